"""Publication date: from metadata when the input has it, else a window inferred from the text.

Evidence, strongest first:

* **metadata** (``article.published``; the reader records where it came from in
  ``article.meta["published_from"]``: ``front-matter``, ``record``, ``html:meta`` ...);
* **explicit dates** in the text ("December 23, 2023", "23 Dec 2023", "2023-12-23")
  and month-years ("in April 2022"): the article is not older than the latest of
  them, unless the sentence speaks of the future ("will", "scheduled", "next");
* **titles** the article gives people (``constraints``): "Foreign Minister Hakan
  Fidan" means a date inside Fidan's tenure; the window is where most of them agree;
* **yearless dates** ("on July 3", "May 16"): read as the latest such day inside the
  window so far (a weekday given with it, "Tuesday, May 14", must match), and the
  article is not older than them. This reading is an assumption and the evidence says so.

Relative expressions ("last month", "on Tuesday", "yesterday") are recorded but
never move the window: without an anchor they only restate the unknown date.

Month names are matched only with a day or a year beside them, so the modal
"may" and a bare "March" never count; weekday names alone never count either.
python-dateutil parses the matched strings.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

import regex
from dateutil import parser as du_parser

from ..model import Article
from ..rules import RuleSet, compile_pattern, load_ruleset
from ..rules.phrases import alternation
from ..rules.wordscan import Words, WordScanner

D = dt.date

_YEAR = r"(?:19[5-9][0-9]|20[0-9][0-9])"
_SENT_END = regex.compile(r"[.!?]\s+|\n")


@dataclass(frozen=True)
class Calendar:
    """The date patterns, built from the words of the ``kb-words`` pack (``months``: one regex
    alternative per month, case-sensitive, in calendar order; ``weekdays``: Monday first;
    ``day_suffixes``, ``month_year_of``, ``relative_dates`` and ``future_words``: word lists,
    see :mod:`auditor.rules.phrases`). Each scanner is tried only where one of its pattern's
    first words (a month, weekday, day or year) starts."""
    full: WordScanner
    month_year: WordScanner
    yearless: WordScanner
    relative: WordScanner
    weekdays: tuple[str, ...]           # casefolded, Monday first (index = date.weekday())
    future: Any                         # a future word (the date after it speaks of the future)

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> "Calendar":
        months = "(?:" + "|".join(settings["months"]) + ")"
        weekdays = list(settings["weekdays"])
        weekday = "(?:" + "|".join(weekdays) + ")"
        day = rf"(?:[12][0-9]|3[01]|0?[1-9])(?:{alternation(settings['day_suffixes'])})?"
        of = alternation(settings["month_year_of"])
        # Case-sensitive month names: "may" (modal) and "march" (verb) are never months.
        full = regex.compile(
            rf"(?<![\w-])(?:(?P<wd1>{weekday}),?\s+)?(?:"
            rf"(?P<m1>{months})\s+(?P<d1>{day}),?\s+(?P<y1>{_YEAR})"
            rf"|(?P<d2>{day})\s+(?P<m2>{months}),?\s+(?P<y2>{_YEAR})"
            rf"|(?P<iso>{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])))(?![\w-])")
        month_year = regex.compile(rf"(?<![\w-])(?P<m>{months})\s+(?:{of}\s+)?(?P<y>{_YEAR})(?![\w-])")
        yearless = regex.compile(
            rf"(?<![\w-])(?:(?P<wd>{weekday}),?\s+)?(?:(?P<m1>{months})\s+(?P<d1>{day})|(?P<d2>{day})\s+(?P<m2>{months}))"
            rf"(?![\w-])(?!,?\s+{_YEAR})")
        relative = regex.compile(
            rf"(?<![\w-]){alternation(settings['relative_dates'], {'weekday': alternation(weekdays)})}(?![\w-])",
            regex.IGNORECASE)
        future = compile_pattern(rf"(?<![\w-]){alternation(settings['future_words'])}(?![\w-])",
                                 regex.IGNORECASE)
        return cls(WordScanner(full), WordScanner(month_year), WordScanner(yearless),
                   WordScanner(relative), tuple(w.lower() for w in weekdays), future)


def calendar(ruleset: RuleSet | None = None) -> Calendar:
    """The calendar of ``ruleset`` (built once per rule set), or of the default packs."""
    if ruleset is None:
        return _default_calendar()
    return ruleset.cached("dates.calendar", lambda: Calendar.from_settings(ruleset.settings("kb-words")))


@lru_cache(maxsize=1)
def _default_calendar() -> Calendar:
    return calendar(load_ruleset([]))


def parse_date(value: Any) -> D | None:
    """A date from metadata (ISO 8601, RFC 2822, '23 December 2023', a datetime), or None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip()
    if not s:
        return None
    try:
        return du_parser.isoparse(s).date()
    except (ValueError, OverflowError):
        pass
    try:
        # default day 1 so "December 2023" is not completed with today's day
        return du_parser.parse(s, default=dt.datetime(1900, 1, 1)).date() if _YEAR_DIGITS.search(
            s) else None
    except (ValueError, OverflowError, du_parser.ParserError):
        return None


_SUFFIX = regex.compile(r"[a-z]+$")
_YEAR_DIGITS = regex.compile(r"\d{4}")


@lru_cache(maxsize=4096)
def _month_day(m: str, d: str | None, y: int | None) -> tuple[int, int]:
    probe = f"{m.rstrip('.')} {_SUFFIX.sub('', d) if d else 1} {y or 2000}"
    got = du_parser.parse(probe, default=dt.datetime(2000, 1, 1))
    return got.month, got.day


@dataclass
class DateMention:
    kind: str                 # full | month-year | yearless | relative
    start: int
    end: int
    text: str
    value: D | None = None    # full dates; first day of the month for month-year
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    future: bool = False
    anchored: D | None = None

    def to_evidence(self, used: bool, note: str = "") -> dict:
        d = {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end, "used": used}
        if self.value:
            d["value"] = self.value.isoformat()
        if self.anchored:
            d["value"] = self.anchored.isoformat()
        if self.future:
            d["future"] = True
        if note:
            d["note"] = note
        return d


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    s = 0
    for m in _SENT_END.finditer(text, 0, pos):
        s = m.end()
    m = _SENT_END.search(text, pos)
    return s, (m.start() if m else len(text))


def scan(text: str, cal: Calendar | None = None) -> list[DateMention]:
    """Every date-like expression in ``text`` (offsets into ``text``); ``cal``: the rule set's
    calendar (``calendar(ruleset)``), the default packs' unless given."""
    cal = cal or calendar()
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def future_at(s: int, e: int) -> bool:
        # a future word shortly before the date, in its sentence ("will meet on July 3")
        a, _ = _sentence_bounds(text, s)
        return bool(cal.future.search(text, max(a, s - 60), s))

    words = Words(text)
    for m in cal.full.finditer(text, words):
        try:
            if m.group("iso"):
                val = D.fromisoformat(m.group("iso"))
            else:
                mon = m.group("m1") or m.group("m2")
                day = m.group("d1") or m.group("d2")
                year = int(m.group("y1") or m.group("y2"))
                mm, dd = _month_day(mon, day, year)
                val = D(year, mm, dd)
        except (ValueError, OverflowError):
            continue
        taken.append(m.span())
        out.append(DateMention("full", m.start(), m.end(), m.group(0), value=val,
                               future=future_at(*m.span())))
    for m in cal.month_year.finditer(text, words):
        if not free(*m.span()):
            continue
        try:
            mm, _ = _month_day(m.group("m"), None, int(m.group("y")))
            val = D(int(m.group("y")), mm, 1)
        except (ValueError, OverflowError):
            continue
        taken.append(m.span())
        out.append(DateMention("month-year", m.start(), m.end(), m.group(0), value=val,
                               future=future_at(*m.span())))
    for m in cal.yearless.finditer(text, words):
        if not free(*m.span()):
            continue
        mon = m.group("m1") or m.group("m2")
        day = m.group("d1") or m.group("d2")
        try:
            mm, dd = _month_day(mon, day, 2000)   # 2000 is a leap year: Feb 29 parses
        except (ValueError, OverflowError):
            continue
        wd = cal.weekdays.index(m.group("wd").lower()) if m.group("wd") else None
        taken.append(m.span())
        out.append(DateMention("yearless", m.start(), m.end(), m.group(0), month=mm, day=dd,
                               weekday=wd, future=future_at(*m.span())))
    for m in cal.relative.finditer(text, words):
        if free(*m.span()):
            out.append(DateMention("relative", m.start(), m.end(), m.group(0)))
    out.sort(key=lambda x: x.start)
    return out


@dataclass
class Constraint:
    """A date interval the article's text implies (from a title held then)."""

    lo: D
    hi: D
    label: str                  # e.g. "Foreign Minister Hakan Fidan"
    start: int = 0
    end: int = 0
    key: Any = None             # the caller's handle (a mention)
    strong: bool = True         # current titles; weak ones ('former', '-elect') only narrow

    def to_evidence(self, used: bool) -> dict:
        return {"kind": "title", "text": self.label, "start": self.start, "end": self.end,
                "interval": {"start": self.lo.isoformat(), "end": self.hi.isoformat()}, "used": used}


@dataclass
class Published:
    value: D | None
    provenance: str | None
    window: tuple[D, D] | None
    evidence: list[dict] = field(default_factory=list)
    outvoted: list[Constraint] = field(default_factory=list)   # strong constraints the window excludes
    base_window: tuple[D, D] | None = None     # before weak constraints narrowed it

    def to_record(self) -> dict:
        w = None
        if self.window:
            w = {"start": self.window[0].isoformat(), "end": self.window[1].isoformat()}
        return {"value": self.value.isoformat() if self.value else None,
                "provenance": self.provenance, "window": w, "evidence": self.evidence}


def _sweep(lo: D, hi: D, cons: list[Constraint]) -> tuple[tuple[D, D], int, list[Constraint]]:
    """The hull of the sub-ranges of [lo, hi] where the most constraints hold."""
    points = {lo}
    for c in cons:
        for p in (c.lo, c.hi + dt.timedelta(days=1) if c.hi < hi else hi):
            if lo <= p <= hi:
                points.add(p)
    pts = sorted(points)
    best, segs = -1, []
    for i, p in enumerate(pts):
        seg_end = pts[i + 1] - dt.timedelta(days=1) if i + 1 < len(pts) else hi
        n = sum(1 for c in cons if c.lo <= p <= c.hi)
        if n > best:
            best, segs = n, [(p, seg_end)]
        elif n == best:
            segs.append((p, seg_end))
    hull = (segs[0][0], segs[-1][1])
    inside = [c for c in cons if c.lo <= hull[1] and c.hi >= hull[0]]
    return hull, best, [c for c in cons if c not in inside]


def _anchor(m: DateMention, hi: D, lo: D, after: D | None = None) -> D | None:
    """The (month, day[, weekday]) a yearless date means.

    With ``after`` (the latest explicit date of the text) the first such day on or
    after it; otherwise the latest on or before ``hi`` and not long before ``lo``.
    """
    if after is not None:
        for year in range(after.year, min(hi.year, after.year + 2) + 1):
            try:
                cand = D(year, m.month, m.day)
            except ValueError:
                continue
            if cand < after or cand > hi:
                continue
            if m.weekday is not None and cand.weekday() != m.weekday:
                continue
            return cand
        return None
    for year in range(hi.year, max(lo.year - 1, hi.year - 30) - 1, -1):
        try:
            cand = D(year, m.month, m.day)
        except ValueError:
            continue
        if cand > hi:
            continue
        if m.weekday is not None and cand.weekday() != m.weekday:
            continue
        return cand
    return None


def infer(article: Article, constraints: Iterable[Constraint] = (), today: D | None = None,
          weak: Iterable[Constraint] = (), cal: Calendar | None = None) -> Published:
    """The publication date of ``article`` with its provenance, window and evidence (``cal``:
    as for ``scan``)."""
    today = today or D.today()
    constraints = list(constraints)
    weak = list(weak)
    meta = parse_date(article.published)
    if meta is not None:
        prov = (article.meta or {}).get("published_from") or "metadata"
        ev = [{"kind": "metadata", "text": str(article.published), "value": meta.isoformat(),
               "used": True, "provenance": prov}]
        return Published(meta, prov, (meta, meta), ev, [], (meta, meta))

    mentions = scan(article.text, cal)
    evidence: list[dict] = []
    lo, hi = dt.date(1900, 1, 1), today
    explicit = [m for m in mentions if m.kind in ("full", "month-year")]
    past = [m for m in explicit if not m.future and m.value <= today]
    if past:
        lo = max(m.value for m in past)
    for m in explicit:
        used = m in past and m.value == lo
        note = "the article is not older than its latest past date" if used else (
            "the sentence speaks of the future" if m.future else "an earlier date")
        evidence.append(m.to_evidence(used, note))
    had_text_bound = bool(past)

    (wlo, whi), _, outvoted = _sweep(lo, hi, constraints) if constraints else ((lo, hi), 0, [])
    for c in constraints:
        evidence.append(c.to_evidence(c not in outvoted))

    # yearless dates: the latest such day in the window so far
    yearless = [m for m in mentions if m.kind == "yearless" and not m.future]
    if yearless and (had_text_bound or constraints):
        anchors = []
        for m in yearless:
            a = _anchor(m, whi, wlo, lo if had_text_bound else None)
            if a is not None:
                m.anchored = a
                anchors.append(a)
        latest = max(anchors) if anchors else None
        if latest and latest > wlo:
            wlo = latest
        for m in yearless:
            evidence.append(m.to_evidence(
                m.anchored is not None and m.anchored == latest,
                "read as the first such day after the text's latest dated event (an assumption)"
                if had_text_bound else "read in the latest year the window allows (an assumption)"))
    for m in mentions:
        if m.kind == "relative" or (m.kind == "yearless" and m.future):
            evidence.append(m.to_evidence(False, "relative to the unknown publication date"
                                          if m.kind == "relative" else "the sentence speaks of the future"))
    base = (wlo, whi)
    # weak constraints narrow the window only when they agree with it
    for c in weak:
        nlo, nhi = max(wlo, c.lo), min(whi, c.hi)
        used = nlo <= nhi
        if used:
            wlo, whi = nlo, nhi
        evidence.append(c.to_evidence(used))
    if not had_text_bound and not constraints and not any(e.get("used") for e in evidence):
        return Published(None, None, None, evidence, [], None)
    return Published(None, "inferred", (wlo, whi), evidence, outvoted, base)
