"""Baselines: remember today's findings so that CI fails only on new ones.

A finding is keyed by its rule, its article and a hash of the normalised
matched text together with the normalised text of the line(s) it stands on
(its context), never by line number: inserting or deleting lines above a
finding does not change its key. Identical keys are counted, so a baseline
holding one repeated line still reports a second new repetition.

The file is JSON::

    {"version": 1, "tool": "auditor",
     "entries": [{"rule": "duplicate.line", "article": "a.txt", "hash": "…",
                  "count": 1, "text": "…", "message": "…"}]}
"""
from __future__ import annotations

import json
from collections import Counter
from typing import Any, Iterable

from ..engine.finding_keys import ensure_fingerprint
from ..files import write_atomic
from ..model import AuditResult, Finding

BASELINE_VERSION = 1
SNIPPET = 120


class BaselineError(Exception):
    """The baseline file cannot be read or is not a baseline."""


# -- reading and writing -----------------------------------------------------------
def key(f: Finding) -> tuple[str, str, str]:
    return (f.rule, f.article, ensure_fingerprint(f))


def entries_from(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    counts: Counter = Counter()
    first: dict[tuple[str, str, str], Finding] = {}
    for f in findings:
        k = key(f)
        counts[k] += 1
        first.setdefault(k, f)
    out = []
    for k in sorted(counts, key=lambda k: (k[1], k[0], k[2])):
        f = first[k]
        out.append({"rule": k[0], "article": k[1], "hash": k[2], "count": counts[k],
                    "text": f.text[:SNIPPET], "message": f.message})
    return out


def write_baseline(result: AuditResult, path: str) -> int:
    """Record every finding not suppressed inline; returns the number of findings recorded."""
    kept = [f for f in result.findings
            if not (f.suppressed and (f.suppression or {}).get("kind") == "inline")]
    data = {"version": BASELINE_VERSION, "tool": result.tool.get("name", "auditor"),
            "tool_version": result.tool.get("version"), "entries": entries_from(kept)}
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return len(kept)


def read_baseline(path: str) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found (create it with --write-baseline)") \
            from None
    except (OSError, UnicodeDecodeError) as e:
        raise BaselineError(f"{path}: cannot read baseline: {e}") from None
    except json.JSONDecodeError as e:
        raise BaselineError(f"{path}: not a baseline (invalid JSON at line {e.lineno}: {e.msg})") \
            from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise BaselineError(f"{path}: not a baseline (expected an object with 'entries')")
    if data.get("version", 1) > BASELINE_VERSION:
        raise BaselineError(f"{path}: baseline version {data.get('version')} is newer than this "
                            f"auditor understands ({BASELINE_VERSION})")
    entries = []
    for i, e in enumerate(data["entries"]):
        if not (isinstance(e, dict) and all(isinstance(e.get(k), str) for k in ("rule", "article", "hash"))):
            raise BaselineError(f"{path}: entry {i} needs string rule, article and hash")
        entries.append(e)
    return entries


# -- applying ------------------------------------------------------------------------
def apply_baseline(result: AuditResult, entries: list[dict[str, Any]], path: str) -> dict[str, Any]:
    """Mark findings the baseline holds as suppressed; return the ``baseline`` report object.

    Stale entries are those of audited articles that no finding matched any more.
    """
    if not isinstance(result.findings, list):   # a run's findings wait on disk: marking
        result.findings = list(result.findings)  # them needs them in memory
    remaining: Counter = Counter()
    info: dict[tuple[str, str, str], dict[str, Any]] = {}
    for e in entries:
        k = (e["rule"], e["article"], e["hash"])
        remaining[k] += int(e.get("count", 1) or 1)
        info.setdefault(k, e)
    matched = new = 0
    for f in result.findings:
        if f.suppressed:
            continue
        k = key(f)
        if remaining[k] > 0:
            remaining[k] -= 1
            f.suppressed = True
            f.suppression = {"kind": "baseline", "file": path}
            matched += 1
        else:
            new += 1
    audited = {a["id"] for a in result.articles}
    stale = []
    for k, n in remaining.items():
        if n > 0 and k[1] in audited:
            e = info[k]
            stale.append({"rule": k[0], "article": k[1], "hash": k[2], "count": n,
                          "text": str(e.get("text", ""))})
    stale.sort(key=lambda e: (e["article"], e["rule"], e["hash"]))
    summary = {"file": path, "matched": matched, "new": new, "stale": stale}
    result.baseline = summary
    return summary
