"""The data every stage passes on: articles in, findings and results out.

Offsets (`start`, `end`) always index the article's original ``text`` while the
checks run; line numbers are 1-based lines of the original input file (see
``Line.file_line``). For JSON records the report says which field of the record
a span lies in (``FieldMap``): the pipeline maps every span once, as each
article's (and the corpus stage's) findings are made, so the renderers read
offsets into the record's own ``title`` or ``text``.
"""
from __future__ import annotations

import enum
from bisect import bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self.value]

    @classmethod
    def parse(cls, value: "str | Severity") -> "Severity":
        if isinstance(value, Severity):
            return value
        try:
            return cls(str(value).lower())
        except ValueError:
            raise ValueError(f"unknown severity {value!r} (expected error, warning or info)") from None


# Keys of the per-article scratch data (``ArticleContext.data``) that the sketches of the corpus
# checks read and that travel with an article beyond its check: kept in the engine's spool,
# stored in an archive. Line indices: lines found to be boilerplate, headline reprints.
BOILERPLATE_LINES = "boilerplate_lines"
HEADLINE_REPEATS = "headline_repeats"

_RANK = {"info": 1, "warning": 2, "error": 3}


@dataclass(frozen=True, slots=True)
class Line:
    """One line of an article's text: ``text == article.text[start:end]``."""

    index: int          # 0-based position among the article's lines
    start: int
    end: int            # exclusive, without the line break
    text: str
    file_line: int      # 1-based line in the input file this line came from
    file_column: int = 1  # 1-based column in the input file where the line starts


@dataclass(frozen=True, slots=True)
class Span:
    """A span of one article, with its position for people."""

    article: str
    start: int
    end: int
    text: str
    line: int
    column: int

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "start": self.start, "end": self.end,
                "text": self.text, "line": self.line, "column": self.column}


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Where a JSON record's fields stand in ``Article.text``.

    ``text_offset``: where the record's text begins in ``Article.text`` (the length of the
    headline line and blank line put before a body that does not start with the title;
    0 when the text is the body alone). ``title_offset``: the white space before the title
    in the record (``Article.title`` is stripped). ``title_len``: the length of the headline
    put before the body (0 when none was).
    """

    text_offset: int = 0
    title_offset: int = 0
    title_len: int = 0

    def locate(self, start: int, end: int) -> tuple[str, int, int]:
        """(field, start, end) of the span ``Article.text[start:end]`` in the record.

        A span in the headline put before the body is in ``title`` (clipped to its end, if it
        ran on); one in the blank line after it is moved to the start of ``text``."""
        if start < self.title_len:
            return "title", start + self.title_offset, min(end, self.title_len) + self.title_offset
        return "text", max(0, start - self.text_offset), max(0, end - self.text_offset)

    def to_text(self, field: str | None, offset: int) -> int:
        """The offset in ``Article.text`` of ``offset`` into the record's ``field``."""
        if field == "title":
            return offset - self.title_offset
        if field == "text":
            return offset + self.text_offset
        return offset


PLAIN_FIELDS = FieldMap()       # a JSON record whose text is its ``text`` as given


@dataclass(frozen=True, slots=True)
class Article:
    """One article as read, frozen.

    ``text`` is the original text the reader produced (the whole file for text
    and Markdown, the visible text by block for HTML, headline line plus body
    for JSON records); every offset in the tool points into it. ``title_line``
    is the index in ``lines`` of the headline when it stands in the text.
    """

    id: str
    path: str
    text: str
    lines: tuple[Line, ...]
    title: str | None = None
    title_line: int | None = None
    body_start: int = 0          # index in ``lines`` where the body begins
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    format: str = "text"
    meta: Mapping[str, Any] = field(default_factory=dict)
    _starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(ln.start for ln in self.lines))

    # -- positions ---------------------------------------------------------
    def line_at(self, offset: int) -> Line:
        """The line holding ``offset`` (the last line for an offset past the end)."""
        i = max(0, bisect_right(self._starts, offset) - 1)
        return self.lines[i]

    def position(self, offset: int) -> tuple[int, int]:
        """(file line, file column), 1-based, of a character offset."""
        if not self.lines:
            return 1, 1
        ln = self.line_at(offset)
        col = offset - ln.start
        return ln.file_line, ln.file_column + max(0, col)

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        return Span(self.id, start, end, self.text[start:end], line, column)

    @property
    def fields(self) -> FieldMap | None:
        """How offsets into ``text`` map to the record's fields: JSON records only (set by
        ``ingest.common.article_from_parts`` in ``meta``), None for every other format."""
        if self.format != "json":
            return None
        text_offset = int(self.meta.get("text_offset") or 0)
        title_offset = int(self.meta.get("title_offset") or 0)
        if not text_offset and not title_offset:
            return PLAIN_FIELDS
        return FieldMap(text_offset, title_offset,
                        len(self.title or "") if text_offset else 0)

    @property
    def headline(self) -> Line | None:
        return None if self.title_line is None else self.lines[self.title_line]

    @property
    def body_lines(self) -> tuple[Line, ...]:
        return self.lines[self.body_start:]

    def record(self) -> dict[str, Any]:
        """The article's entry in the report (checks add their own keys)."""
        rec = {
            "id": self.id, "path": self.path, "format": self.format,
            "title": self.title, "outlet": self.outlet, "url": self.url,
            "published": {"value": self.published,
                          "provenance": self.meta.get("published_from") or (
                              "metadata" if self.published else None)},
            "chars": len(self.text), "lines": len(self.lines),
        }
        return rec


@dataclass(slots=True)
class Finding:
    rule: str                 # family.name
    severity: Severity
    article: str
    line: int
    column: int
    start: int
    end: int
    text: str
    message: str
    related: list[dict[str, Any]] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)
    suppressed: bool = False
    end_line: int | None = None        # 1-based file line and column of the last character
    end_column: int | None = None
    fingerprint: str | None = None     # stable across moved lines (see auditor/engine/finding_keys.py)
    suppression: dict[str, Any] | None = None   # how it was suppressed (inline, baseline)
    field: str | None = None           # JSON records: "title" or "text", what start/end index

    @property
    def family(self) -> str:
        return self.rule.split(".", 1)[0]

    @classmethod
    def at(cls, article: Article, rule: str, severity: Severity | str, start: int, end: int,
           message: str, related: list[Span | dict] | None = None,
           evidence: dict[str, Any] | None = None) -> "Finding":
        """A finding on ``article.text[start:end]`` with its line and column filled in."""
        line, column = article.position(start)
        end_line, end_column = article.position(max(start, end - 1))
        rel = [r.to_dict() if isinstance(r, Span) else dict(r) for r in (related or [])]
        return cls(rule, Severity.parse(severity), article.id, line, column, start, end,
                   article.text[start:end], message, rel, dict(evidence or {}),
                   end_line=end_line, end_column=end_column)

    def sort_key(self) -> tuple:
        return (self.line, self.column, self.start, self.end, self.rule, self.message)

    def to_dict(self) -> dict[str, Any]:
        d = {
            "rule": self.rule, "severity": self.severity.value, "article": self.article,
            "line": self.line, "column": self.column,
            **({"field": self.field} if self.field else {}),
            "start": self.start, "end": self.end,
            "text": self.text, "message": self.message, "related": self.related,
            "evidence": self.evidence,
        }
        if self.end_line is not None:
            d["end_line"], d["end_column"] = self.end_line, self.end_column
        if self.fingerprint:
            d["fingerprint"] = self.fingerprint
        if self.suppressed:
            d["suppressed"] = True
        if self.suppression:
            d["suppression"] = self.suppression
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Finding":
        return cls(d["rule"], Severity.parse(d["severity"]), d["article"], d["line"], d["column"],
                   d["start"], d["end"], d["text"], d["message"], list(d.get("related", [])),
                   dict(d.get("evidence", {})), bool(d.get("suppressed", False)),
                   d.get("end_line"), d.get("end_column"), d.get("fingerprint"), d.get("suppression"),
                   d.get("field"))


@dataclass(slots=True)
class Cluster:
    """Articles that belong together (near-duplicates, shared headline, reuse)."""

    kind: str                     # near-duplicate | headline | reuse
    members: list[dict[str, Any]]  # [{article, similarity, original: bool}]
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "members": self.members, "similarity": round(self.similarity, 4)}


@dataclass(slots=True)
class IngestError:
    """An input that could not be read; the run goes on without it."""

    path: str
    message: str
    kind: str = "unreadable"     # missing | binary | encoding | json | empty | too-large | ...
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {"path": self.path, "kind": self.kind, "message": self.message}
        if self.line is not None:
            d["line"] = self.line
        return d

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"

    @property
    def unreadable(self) -> bool:
        """An input that could not be read (not a check that could not finish on it)."""
        return self.kind not in CHECK_ERROR_KINDS


CHECK_ERROR_KINDS = frozenset({"check-error", "rule-timeout"})


@dataclass(slots=True)
class ArticleResult:
    """What the per-article stage produced for one article."""

    record: dict[str, Any]              # the report entry (Article.record() plus check data)
    findings: list[Finding]
    fingerprints: dict[str, Any]        # per corpus check, small and picklable
    errors: list[IngestError] = field(default_factory=list)
    stored: bytes | None = None         # the article packed for the spool (auditor.spool)
    timings: dict[str, float] | None = None     # seconds per step, when the run asked for them
    fields: FieldMap | None = None      # JSON records: how the article's offsets map to fields


def _by_article(findings: Any) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for f in findings:
        grouped.setdefault(f.article, []).append(f)
    return grouped


@dataclass(slots=True)
class AuditResult:
    """A run's results. ``articles`` and ``findings`` are sequences that can be iterated any
    number of times and have a length; after ``pipeline.audit`` they are read back from disk
    (``spool.SpooledList``, ``spool.FindingStore``), so iterate them rather than hold them,
    and treat the findings as read-only (code that marks findings makes a list first)."""
    tool: dict[str, str]
    articles: Sequence[dict[str, Any]]
    findings: Collection[Finding]
    clusters: list[Cluster]
    errors: list[IngestError]
    options: dict[str, Any] = field(default_factory=dict)
    baseline: dict[str, Any] | None = None          # baseline use: matched, new, stale entries
    suppressions: list[dict[str, Any]] | None = None   # inline suppressions and their use
    # load(ids) -> {id: Article}: reads the chosen articles again, as the checks saw them (the
    # report keeps no article text); set by the pipeline, used by the HTML report; never serialised.
    load: Any = field(default=None, repr=False, compare=False)

    def _spooled_ids(self) -> list[str] | None:
        """The articles' ids in the order the findings wait on disk (``spool.FindingStore``:
        ``ids`` and ``for_articles``); None when the findings are in memory."""
        found = self.findings
        return getattr(found, "ids", None) if hasattr(found, "for_articles") else None

    def findings_reader(self, ids: list[str]) -> Callable[[int, int], list[list[Finding]]]:
        """``read(lo, hi)``: the findings of the articles ``ids[lo:hi]``, one list each, in
        report order. When the findings wait on disk in those articles' order (the pipeline's
        ``spool.FindingStore``), each call reads only those articles' findings; otherwise
        they are grouped by article once, in memory."""
        if self._spooled_ids() == ids:
            return self.findings.for_articles
        grouped = _by_article(self.findings)
        return lambda lo, hi: [grouped.get(a, []) for a in ids[lo:hi]]

    def per_article(self, batch: int = 256) -> Iterator[tuple[dict[str, Any], list[Finding]]]:
        """Each article's report entry with its findings, in order, read ``batch`` articles at
        a time when they wait on disk (see ``findings_reader``); findings on ids that are not
        articles of the run are left out."""
        on_disk = self._spooled_ids()
        grouped: dict[str, list[Finding]] | None = None
        for lo in range(0, len(self.articles), batch):
            recs = self.articles[lo:lo + batch]
            ids = [r["id"] for r in recs]
            if grouped is None and on_disk is not None and on_disk[lo:lo + len(ids)] == ids:
                lists = self.findings.for_articles(lo, lo + len(ids))
            else:
                grouped = _by_article(self.findings) if grouped is None else grouped
                lists = [grouped.get(a, []) for a in ids]
            yield from zip(recs, lists)

    def summary(self) -> dict[str, Any]:
        by_sev = {s.value: 0 for s in Severity}
        by_family: dict[str, int] = {}
        by_rule: dict[str, int] = {}
        active = suppressed = 0
        for f in self.findings:         # streamed: the findings may be on disk (FindingStore)
            if f.suppressed:
                suppressed += 1
                continue
            active += 1
            by_sev[f.severity.value] += 1
            by_family[f.family] = by_family.get(f.family, 0) + 1
            by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
        return {
            "articles": len(self.articles),
            "findings": active,
            "suppressed": suppressed,
            "errors": len(self.errors),
            "by_severity": by_sev,
            "by_family": dict(sorted(by_family.items())),
            "by_rule": dict(sorted(by_rule.items())),
            "clusters": len(self.clusters),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "articles": list(self.articles),
            "findings": [f.to_dict() for f in self.findings],
            "clusters": [c.to_dict() for c in self.clusters],
            "errors": [e.to_dict() for e in self.errors],
            "summary": self.summary(),
            **({"baseline": self.baseline} if self.baseline is not None else {}),
            **({"suppressions": self.suppressions} if self.suppressions is not None else {}),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "AuditResult":
        """The result a report JSON (see ``to_dict``) describes, without article texts."""
        return cls(
            tool=dict(d.get("tool") or {}), articles=list(d.get("articles") or []),
            findings=[Finding.from_dict(f) for f in d.get("findings") or []],
            clusters=[Cluster(c["kind"], list(c.get("members") or []), float(c.get("similarity", 0)))
                      for c in d.get("clusters") or []],
            errors=[IngestError(e["path"], e["message"], e.get("kind", "unreadable"), e.get("line"))
                    for e in d.get("errors") or []],
            baseline=d.get("baseline"), suppressions=d.get("suppressions"))

    def worst_severity(self) -> Severity | None:
        ranks = [f.severity for f in self.findings if not f.suppressed]
        return max(ranks, key=lambda s: s.rank) if ranks else None
