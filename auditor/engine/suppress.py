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

Marker lines are taken out of ``article.lines`` before the checks run
(``auditor.ingest.markers.strip_markers``, part of reading an article), so they
are neither a headline nor a finding. Suppressed findings stay in the report,
marked ``suppressed``; a suppression that silenced nothing is reported as a
``suppression.unused`` finding.

This runs as the last per-article step (``finish_article``, in the worker
when ``--jobs N``) and once more after the corpus checks (``finish_corpus``)
for corpus findings; the directives travel in the article's report entry under
``_suppress`` and are removed from it at the end.
"""
from __future__ import annotations

from typing import Any, Iterable

from ..checks.suppression import INVALID, UNUSED
from ..model import Article, Finding, Severity
from .finding_keys import ensure_fingerprint, fingerprint_in

RECORD_KEY = "_suppress"

# the rule ids this stage emits are declared with the checks (auditor.checks.suppression)
UNUSED_RULE, INVALID_RULE = UNUSED.id, INVALID.id


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
                extra.append(_finding(art, d, INVALID_RULE, Severity.parse(INVALID.severity),
                                      f"Suppression at {where} names {', '.join(map(repr, d['bad']))}, "
                                      f"which is not a rule id (family.name, family.* or *)."))
            elif not d.get("used") and d["scope"] == "next-line" and not d.get("target"):
                extra.append(_finding(art, d, UNUSED_RULE, Severity.parse(UNUSED.severity),
                                      f"Suppression at {where} has no line after it to apply to."))
            elif not d.get("used"):
                extra.append(_finding(art, d, UNUSED_RULE, Severity.parse(UNUSED.severity),
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
