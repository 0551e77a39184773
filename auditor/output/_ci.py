"""What the CI renderers (sarif, github, junit, jsonl) share: paths, positions, levels."""
from __future__ import annotations

import os
from typing import Any

from ..checks import declarations
from ..engine.finding_keys import ensure_fingerprint
from ..model import AuditResult, Finding, IngestError, Severity

# error kinds that do not mean an input was left unread (the article was still audited, or the
# problem is the tool's): they never fail a check by themselves
NOT_UNREADABLE = frozenset({"front-matter", "duplicate-id", "rule-timeout", "check-error"})


def is_unreadable(e: IngestError) -> bool:
    return e.kind not in NOT_UNREADABLE


def article_paths(result: AuditResult) -> dict[str, str]:
    return {a["id"]: a.get("path") or a["id"] for a in result.articles}


def display_path(path: str, root: str | None = None) -> str:
    """A path relative to ``root`` (the working directory) with forward slashes, when below it."""
    if path.startswith("<"):
        return path
    root = os.path.abspath(root or os.getcwd())
    full = os.path.abspath(path)
    try:
        rel = os.path.relpath(full, root)
    except ValueError:
        rel = full
    if rel.startswith(".."):
        rel = full
    return rel.replace(os.sep, "/")


def end_position(f: Finding) -> tuple[int, int]:
    """(end line, end column) of the span's last character, inclusive."""
    if f.end_line is not None and f.end_column is not None:
        return f.end_line, max(f.end_column, f.column if f.end_line == f.line else 1)
    text = f.text.rstrip("\r\n") or " "
    breaks = text.count("\n")
    if breaks == 0:
        return f.line, f.column + len(text) - 1
    return f.line + breaks, len(text.rsplit("\n", 1)[1]) or 1


def fail_level(result: AuditResult) -> str:
    return str(result.options.get("fail_on") or "error")


def at_or_above(f: Finding, level: str) -> bool:
    if level == "never":
        return False
    return f.severity.rank >= Severity.parse(level).rank


def ordinal_fingerprints(findings: list[Finding]) -> dict[int, str]:
    """id(finding) -> fingerprint with an occurrence number, unique within the run."""

    seen: dict[tuple[str, str], int] = {}
    out = {}
    for f in findings:
        fp = ensure_fingerprint(f)
        n = seen.get((f.article, fp), 0)
        seen[(f.article, fp)] = n + 1
        out[id(f)] = f"{fp}:{n}"
    return out


def rule_help(rule: str) -> dict[str, Any]:
    """Name, short description (one line), help text and family of a rule id, from the rule
    declarations next to the checks (auditor.checks.declarations)."""
    declarations.load()
    return declarations.describe(rule)
