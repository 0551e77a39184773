"""Inline suppression of findings, written in the articles themselves.

Text and Markdown articles use HTML comments on a line of their own (invisible
when Markdown is rendered)::

    <!-- auditor-disable duplicate.line, headline.* -- quoted on purpose -->
    <!-- auditor-disable-next-line headline.sensational -- the outlet's own style -->

``auditor-disable`` silences the rules for the whole article, wherever the
comment stands; ``auditor-disable-next-line`` for the next non-blank line.
Rules are ids (``family.name``), a family (``family.*``) or ``*``; the text
after `` -- `` is the reason. JSON articles carry the same in a field::

    "auditor_suppress": ["duplicate.line", {"rule": "headline.*", "reason": "..."}]

Marker lines are taken out of ``article.lines`` before the checks run, so they
are neither a headline nor a finding. Suppressed findings stay in the report,
marked ``suppressed``; a suppression that silenced nothing is reported as a
``suppression.unused`` finding.

This runs as the last per-article step (``finish_article``, in the worker
when ``--jobs N``) and once more after the corpus checks (``finish_corpus``)
for corpus findings; the directives travel in the article's report entry under
``_suppress`` and are removed from it at the end.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any, Iterable

from .baseline import ensure_fingerprint, fingerprint_in
from .model import Article, Finding, Severity

_MARKER = re.compile(r"^<!--\s*auditor-(disable-next-line|disable)(?=[\s-])(.*?)-->$", re.S)
_RULE = re.compile(r"^(?:\*|[a-z][a-z0-9-]*\.(?:\*|[a-z0-9][a-z0-9.-]*))$")
RECORD_KEY = "_suppress"
UNUSED_RULE = "suppression.unused"
INVALID_RULE = "suppression.invalid"


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


def _matches(rule: str, patterns: Iterable[str]) -> bool:
    family = rule.split(".", 1)[0]
    return any(p == "*" or p == rule or p == f"{family}.*" for p in patterns)


def _apply(directives: list[dict[str, Any]], findings: Iterable[Finding]) -> None:
    for f in findings:
        if f.suppressed or f.rule in (UNUSED_RULE, INVALID_RULE):
            continue
        for d in directives:
            if not _matches(f.rule, d["rules"]):
                continue
            if d["scope"] == "next-line":
                t = d.get("target")
                if not t or not (t[0] <= f.start <= t[1]):
                    continue
            f.suppressed = True
            f.suppression = {"kind": "inline", "reason": d.get("reason"), "line": d.get("line")}
            d["used"] = d.get("used", 0) + 1
            break


def finish_article(article: Article, findings: list[Finding], record: dict[str, Any],
                   directives: list[dict[str, Any]]) -> list[Finding]:
    """Fingerprint the article's findings, drop those on marker lines, apply the directives."""
    markers = [(d["start"], d["end"]) for d in directives if not d.get("field")]
    kept = []
    for f in findings:
        if any(s <= f.start and f.end <= e for s, e in markers):
            continue
        f.fingerprint = fingerprint_in(article, f)
        kept.append(f)
    if directives:
        for d in directives:
            d.setdefault("used", 0)
        _apply(directives, kept)
        record[RECORD_KEY] = directives
    return kept


def finish_corpus(directives: dict[str, tuple[str, list[dict[str, Any]]]],
                  findings: Iterable[Finding]) -> tuple[list[dict], list[Finding]]:
    """Apply directives to corpus findings (those not fingerprinted yet); report unused ones.

    ``directives``: {article id: (path, directives)}, what ``finish_article`` left under
    ``RECORD_KEY`` in the articles' report entries. Returns the report's ``suppressions``
    list and the new ``suppression.*`` findings.
    """
    by_article = {aid: ds for aid, (_, ds) in directives.items()}
    paths = {aid: path for aid, (path, _) in directives.items()}
    for f in findings:
        if f.fingerprint:
            continue
        ensure_fingerprint(f)
        ds = by_article.get(f.article)
        if ds:
            _apply(ds, [f])
    report: list[dict[str, Any]] = []
    extra: list[Finding] = []
    for art, ds in by_article.items():
        for d in ds:
            report.append({"article": art, "path": paths[art], "rules": d["rules"], "scope": d["scope"],
                           "line": d.get("line"), "reason": d.get("reason"), "used": d.get("used", 0)})
            where = (f"line {d['line']}" if d.get("line") else "the auditor_suppress field")
            if d["bad"]:
                extra.append(_finding(art, d, INVALID_RULE, Severity.WARNING,
                                      f"Suppression at {where} names {', '.join(map(repr, d['bad']))}, "
                                      f"which is not a rule id (family.name, family.* or *)."))
            elif not d.get("used") and d["scope"] == "next-line" and not d.get("target"):
                extra.append(_finding(art, d, UNUSED_RULE, Severity.WARNING,
                                      f"Suppression at {where} has no line after it to apply to."))
            elif not d.get("used"):
                extra.append(_finding(art, d, UNUSED_RULE, Severity.WARNING,
                                      f"Suppression of {', '.join(d['rules'])} at {where} silenced "
                                      f"nothing; remove it."))
    return report, extra


def _finding(article: str, d: dict[str, Any], rule: str, sev: Severity, message: str) -> Finding:
    line, col = d.get("line") or 1, d.get("column") or 1
    width = max(1, d["end"] - d["start"])
    f = Finding(rule, sev, article, line, col, d["start"], d["end"], d.get("text", ""), message,
                evidence={"rules": d["rules"], "scope": d["scope"], "reason": d.get("reason")},
                end_line=line, end_column=col + width - 1)
    ensure_fingerprint(f)
    return f
