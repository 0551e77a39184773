"""Whether a title is right at a date: tenures against a date or window, and the time the
mention's own sentence speaks of (a date it names, now, the past)."""
from __future__ import annotations

import datetime as dt

import regex

from ...knowledge.dates import Published, scan
from ...knowledge.kb import FAR_FUTURE, FAR_PAST, KB, Tenure
from ...knowledge.lexicon import Lexicon
from .mentions import CURRENT, FORMER, Mention, _Text

D = dt.date
ONE = dt.timedelta(days=1)
GRACE = dt.timedelta(days=2)          # around a metadata date: transitions, time zones

# -- validity of a title on a date --------------------------------------------------------
def _valid(tenures: list[Tenure], tense: str, t: D, mods: set[str], extrapolate: bool = False) -> bool:
    if tense == CURRENT:
        return any(x.possibly_holding(t) for x in tenures)
    if tense == FORMER:
        if any(x.surely_holding(t, extrapolate) for x in tenures):
            return False
        return any(x.end_lo is not None and x.end_lo <= t for x in tenures) or any(
            x.start_lo is None for x in tenures)
    # elect / incoming / designate: between election (or 120 days before) and taking office
    for x in tenures:
        if x.start_lo is None:
            return True
        lo = x.elected or (x.start_lo - dt.timedelta(days=120))
        if lo - GRACE <= t <= (x.start_hi or x.start_lo) + GRACE:
            return True
    return False


def _points(tenures: list[Tenure], a: D, b: D) -> list[D]:
    pts = {a, b}
    for x in tenures:
        for d in (x.start_lo, x.start_hi, x.end_lo, x.end_hi, x.elected, x.known_until):
            if d is None:
                continue
            for p in (d - ONE, d, d + ONE):
                if a <= p <= b:
                    pts.add(p)
    return sorted(pts)


def _wrong_throughout(tenures: list[Tenure], tense: str, a: D, b: D, mods: set[str],
                      extrapolate: bool = False) -> bool:
    return not any(_valid(tenures, tense, p, mods, extrapolate) for p in _points(tenures, a, b))


def _constraint(kb: KB, m: Mention) -> list[tuple[D, D]]:
    """Date intervals in which the mention's title is right (from the KB)."""
    ts = kb.held(m.person, m.positions)
    if not ts or "then" in m.roles:
        return []
    if m.tense == CURRENT:
        lo = min((x.start_lo or FAR_PAST) for x in ts)
        hi = FAR_FUTURE if any(x.end_hi is None for x in ts) else max(x.end_hi for x in ts)
        return [(lo, hi)]
    if m.tense == FORMER:
        out = []
        ended = sorted((x for x in ts if x.end_lo is not None), key=lambda x: x.end_lo)
        for x in ended:
            nxt = [y for y in ts if y.start_lo and y.start_lo >= x.end_lo and y is not x]
            hi = min(y.start_hi or y.start_lo for y in nxt) - ONE if nxt else FAR_FUTURE
            if hi >= x.end_lo:
                out.append((x.end_lo, hi))
        return out
    out = []
    for x in ts:
        if x.start_lo is None:
            continue
        lo = x.elected or (x.start_lo - dt.timedelta(days=120))
        out.append((lo, x.start_hi or x.start_lo))
    return out


_YEAR_RX = regex.compile(r"(?<![\w-])(?:19[5-9]\d|20\d\d)(?![\w-])")


def _sentence_dates(tx: _Text, pos: int, before: D | None = None) -> list[tuple[D, D]]:
    """Dates the mention's own sentence names ("In 2019, ...", "on May 3, 2018") that lie
    a month or more before ``before`` (the article's date)."""
    text = tx.article.text
    pos = tx.orig(pos, pos + 1)[0]
    s = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos)) + 1
    e_candidates = [i for i in (text.find(". ", pos), text.find("\n", pos)) if i >= 0]
    e = min(e_candidates) if e_candidates else len(text)
    sent = text[s:e]
    out = []
    for dm in scan(sent, tx.calendar):
        if dm.kind == "full":
            out.append((dm.value, dm.value))
        elif dm.kind == "month-year":
            nxt = D(dm.value.year + (dm.value.month == 12), dm.value.month % 12 + 1, 1)
            out.append((dm.value, nxt - ONE))
    for y in _YEAR_RX.finditer(sent):
        yy = int(y.group(0))
        out.append((D(yy, 1, 1), D(yy, 12, 31)))
    if before is not None:
        out = [(a, b) for a, b in out if a <= before - dt.timedelta(days=30)]
    return out


_SENT = regex.compile(r"""[.!?]["'\u201d\u2019)]*\s+|\n""")


def _sentence(tx: _Text, pos: int) -> tuple[int, int]:
    """Bounds, in the original text, of the sentence holding normalised offset ``pos``."""
    text = tx.article.text
    pos = tx.orig(pos, pos + 1)[0]
    s = 0
    for m in _SENT.finditer(text, max(0, pos - 1500), pos):
        s = m.end()
    m = _SENT.search(text, pos)
    return s, (m.start() if m else len(text))


def _speaks_of_now(tx: _Text, m: "Mention", lex: Lexicon) -> bool:
    """The mention reports something said now: 'Secretary X said on Tuesday ...'."""
    s, e = _sentence(tx, m.start)
    end = tx.orig(m.end - 1, m.end)[1]
    text = tx.article.text
    return bool(lex.said_now.match(text[end:end + 80])) and bool(lex.now.search(text, s, e)) \
        and not lex.then.search(text, s, e)


def _window_text(pub: Published, window: tuple[D, D]) -> str:
    a, b = window
    if pub.value is not None:
        return f"the article's date ({pub.value.isoformat()}, from {pub.provenance})"
    if a == b:
        return f"the article's inferred date ({a.isoformat()})"
    return f"the article's inferred date ({a.isoformat()} to {b.isoformat()})"


def _incompatible(a: str, b: str) -> bool:
    return {a, b} == {CURRENT, FORMER}
