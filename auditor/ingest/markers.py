"""Inline suppression markers: reading them out of an article (``auditor.engine.suppress``
applies them to the findings).

Text and Markdown articles hold ``<!-- auditor-disable RULES -- reason -->`` and
``<!-- auditor-disable-next-line RULES -- reason -->`` on lines of their own; JSON articles an
``auditor_suppress`` field. ``strip_markers`` takes the marker lines out of ``article.lines``
(so they are neither a headline nor a finding) and returns the directives they hold. It is
part of preparing an article read from its source (``auditor.ingest.reread``).
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any

from ..model import Article

_MARKER = re.compile(r"^<!--\s*auditor-(disable-next-line|disable)(?=[\s-])(.*?)-->$", re.S)
_RULE = re.compile(r"^(?:\*|[a-z][a-z0-9-]*\.(?:\*|[a-z0-9][a-z0-9.-]*))$")


def parse_marker(text: str) -> dict[str, Any] | None:
    """The directive in one line, or None when the line is not a marker."""
    m = _MARKER.match(text.strip())
    if not m:
        return None
    body = m.group(2).strip()
    rules_part, sep, reason = body.partition(" --")
    if not sep and body.startswith("--"):
        rules_part, reason = "", body[2:]
    rules = [r for r in re.split(r"[\s,]+", rules_part.strip()) if r]
    return {"scope": "article" if m.group(1) == "disable" else "next-line",
            "rules": rules or ["*"], "reason": reason.strip() or None,
            "bad": [r for r in rules if not _RULE.match(r)]}


def strip_markers(article: Article) -> tuple[Article, list[dict[str, Any]]]:
    """The article without its marker lines, and the directives they hold."""
    directives: list[dict[str, Any]] = []
    marker_idx: set[int] = set()
    for ln in article.lines:
        if "auditor-" not in ln.text:
            continue
        d = parse_marker(ln.text)
        if d is None:
            continue
        marker_idx.add(ln.index)
        d.update(line=ln.file_line, column=ln.file_column, start=ln.start, end=ln.end, text=ln.text)
        nxt = next((x for x in article.lines[ln.index + 1:] if parse_marker(x.text) is None), None)
        if d["scope"] == "next-line":
            d["target"] = (nxt.start, nxt.end) if nxt else None
            d["target_line"] = nxt.file_line if nxt else None
        directives.append(d)
    directives.extend(_json_directives(article))
    if not marker_idx:
        return article, directives
    return _without_lines(article, marker_idx), directives


def _json_directives(article: Article) -> list[dict[str, Any]]:
    raw = article.meta.get("auditor_suppress") if article.meta else None
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for item in items:
        if isinstance(item, str):
            rules, reason = [r for r in re.split(r"[\s,]+", item) if r], None
        elif isinstance(item, dict):
            r = item.get("rule", item.get("rules", "*"))
            rules = [r] if isinstance(r, str) else [str(x) for x in (r or ["*"])]
            reason = item.get("reason")
        else:
            continue
        out.append({"scope": "article", "rules": rules or ["*"], "reason": reason,
                    "bad": [r for r in rules if not _RULE.match(r)], "line": None,
                    "column": None, "start": 0, "end": 0, "field": True})
    return out


def _without_lines(article: Article, drop: set[int]) -> Article:
    kept = [ln for ln in article.lines if ln.index not in drop]
    new_index = {ln.index: i for i, ln in enumerate(kept)}
    lines = tuple(dataclasses.replace(ln, index=i) for i, ln in enumerate(kept))

    def remap(i: int | None) -> int | None:
        if i is None:
            return None
        while i < len(article.lines) and i in drop:      # a marker held the place: take the next
            i += 1
        return new_index.get(i)

    title_line = remap(article.title_line)
    title = article.title
    if article.title_line is not None and article.title_line in drop and not article.meta.get("headline_from"):
        title = lines[title_line].text if title_line is not None else None
    body_start = remap(article.body_start) if article.body_start < len(article.lines) else len(lines)
    return dataclasses.replace(article, lines=lines, title=title, title_line=title_line,
                               body_start=len(lines) if body_start is None else body_start)
