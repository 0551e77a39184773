"""Spans of JSON records, moved from the article's text into the record's own fields.

The checks work on ``Article.text``; for a JSON record whose body does not start with its
title that text is the title, a blank line, then the body (``ingest.common``), so its
offsets are not those of the record's ``text``. The report gives every span of a JSON
record as offsets into the field it lies in, with ``field``: ``title`` or ``text``
(``model.FieldMap.locate``). Spans of articles in other formats are left as they are,
without ``field``.

Which dicts are spans: in a finding's ``related`` list, each entry (of its ``article``, the
finding's own when it names none); anywhere in a finding's ``evidence`` and in an article's
report entry (attributions, chains, date evidence), every dict with integer ``start`` and
``end`` (of its ``article`` when it names one). Dates and other values are never integers
there, so they are left alone.

The pipeline applies this once per article as its result is made (``localise_article``)
and once to the corpus stage's findings (``localise_findings``), so every renderer reads
the same spans; ``FieldMap.to_text`` takes them back (the HTML report).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from ..model import FieldMap, Finding

FIELDS = ("title", "text")

FieldsOf = Callable[[str], "FieldMap | None"]


def _is_span(d: dict) -> bool:
    s, e = d.get("start"), d.get("end")
    return (isinstance(s, int) and isinstance(e, int) and not isinstance(s, bool)
            and not isinstance(e, bool))


def _move(d: dict[str, Any], fm: FieldMap) -> None:
    """Move one span dict (start, end, text) into its field, in place."""
    s, e = d["start"], d["end"]
    field, s2, e2 = fm.locate(s, e)
    text = d.get("text")
    if isinstance(text, str) and (e2 - s2) != (e - s):      # clipped at the field's edge
        cut = max(0, fm.to_text(field, s2) - s)
        text = text[cut:cut + (e2 - s2)]
    # "field" first after the offsets' owner, so the dict reads article, field, start, end, ...
    items = list(d.items())
    d.clear()
    for k, v in items:
        if k == "start":
            d["field"] = field
            d["start"] = s2
        elif k == "end":
            d["end"] = e2
        elif k == "text" and isinstance(v, str):
            d["text"] = text
        elif k != "field":
            d[k] = v


def _walk(value: Any, own: str | None, fields_of: FieldsOf) -> None:
    """Move every span dict found in ``value`` (dicts and lists, recursively)."""
    if isinstance(value, dict):
        if _is_span(value) and value.get("field") not in FIELDS:
            aid = value.get("article")
            fm = fields_of(aid if isinstance(aid, str) else own) if (aid or own) else None
            if fm is not None:
                _move(value, fm)
        for v in value.values():
            if isinstance(v, (dict, list)):
                _walk(v, own, fields_of)
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, (dict, list)):
                _walk(v, own, fields_of)


def localise_finding(f: Finding, fields_of: FieldsOf) -> None:
    """Move a finding's span, its related spans and its evidence spans into their fields."""
    fm = fields_of(f.article)
    if fm is not None and f.field is None:
        field, s2, e2 = fm.locate(f.start, f.end)
        if (e2 - s2) != (f.end - f.start):
            cut = max(0, fm.to_text(field, s2) - f.start)
            f.text = f.text[cut:cut + (e2 - s2)]
        f.field, f.start, f.end = field, s2, e2
    for r in f.related:
        if isinstance(r, dict) and _is_span(r) and r.get("field") not in FIELDS:
            aid = r.get("article")
            rfm = fields_of(aid) if isinstance(aid, str) and aid else fm
            if rfm is not None:
                _move(r, rfm)
    _walk(f.evidence, f.article, fields_of)


def localise_findings(findings: Iterable[Finding], fields_of: FieldsOf) -> None:
    for f in findings:
        localise_finding(f, fields_of)


def localise_article(aid: str, fm: FieldMap | None, record: dict[str, Any],
                     findings: Iterable[Finding], skip: Iterable[str] = ()) -> None:
    """One article's report entry and findings, moved into its fields (JSON records only).

    Spans in the findings of other articles are left alone (no per-article check makes them),
    and so are the suppression directives the entry carries to the corpus stage (``skip``):
    they stay in ``Article.text`` until the corpus stage's findings are made from them.
    """
    if fm is None:
        return

    def fields_of(a: str) -> FieldMap | None:
        return fm if a == aid else None

    skip = set(skip)
    for k, v in record.items():
        if k not in skip and isinstance(v, (dict, list)):
            _walk(v, aid, fields_of)
    localise_findings(findings, fields_of)
