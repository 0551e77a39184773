"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, IDE viewers).

* ruleIds are the finding rules (``family.name``), stable across versions;
  each has metadata and help text from its declaration next to the check
  (auditor.checks.declarations).
* Artifact URIs are relative to the working directory (``%SRCROOT%``); run the
  check from the repository root so they match the repository's paths.
* Regions carry start and end line and column (``endColumn`` is exclusive, as
  SARIF defines it; columns count Unicode code points).
* ``partialFingerprints`` hold the content fingerprint of auditor's baseline
  (rule, article, normalised text and its line) plus an occurrence number, so an
  alert survives lines being inserted above it.
* Suppressed findings (inline or baseline) stay, with ``suppressions``.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from ..model import AuditResult, Finding
from . import emit, register
from ._ci import article_paths, display_path, end_position, is_unreadable, ordinal_fingerprints, rule_help

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "auditorContentHash/v1"


def _uri(path: str) -> str:
    return quote(display_path(path), safe="/:")


def _location(path: str, line: int, column: int, end_line: int, end_column: int,
              snippet: str | None = None) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(1, line), "startColumn": max(1, column),
                              "endLine": max(1, end_line), "endColumn": max(1, end_column) + 1}
    if region["endLine"] < region["startLine"] or (
            region["endLine"] == region["startLine"] and region["endColumn"] <= region["startColumn"]):
        region["endLine"], region["endColumn"] = region["startLine"], region["startColumn"] + 1
    if snippet:
        region["snippet"] = {"text": snippet}
    loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": _uri(path)}, "region": region}}
    if not os.path.isabs(display_path(path)) and not path.startswith("<"):
        loc["physicalLocation"]["artifactLocation"]["uriBaseId"] = "%SRCROOT%"
    return loc


def _rule(rule: str, default_level: str) -> dict[str, Any]:
    h = rule_help(rule)
    return {
        "id": rule,
        "name": h["name"],
        "shortDescription": {"text": h["short"]},
        "fullDescription": {"text": h.get("full", h["help"])},
        "help": {"text": h["help"], "markdown": h.get("markdown", h["help"])},
        "defaultConfiguration": {"level": default_level},
        "properties": {"tags": ["auditor", h["family"]]},
    }


def _related(f: Finding, paths: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for i, r in enumerate(f.related):
        p = paths.get(r.get("article", "")) or r.get("path")     # articles of this run (or with a path)
        if not p or "line" not in r:
            continue
        text = str(r.get("text", ""))
        tmp = Finding(f.rule, f.severity, r.get("article", ""), int(r["line"]), int(r.get("column", 1)),
                      0, 0, text, "")
        el, ec = end_position(tmp)
        loc = _location(p, tmp.line, tmp.column, el, ec)
        loc["id"] = i
        loc["message"] = {"text": f"related: {r.get('article', '')}"}
        out.append(loc)
    return out


def to_sarif(result: AuditResult) -> dict[str, Any]:
    paths = article_paths(result)
    fps = ordinal_fingerprints(result.findings)
    rules: dict[str, int] = {}
    rule_objs: list[dict[str, Any]] = []
    results = []
    for f in result.findings:
        if f.rule not in rules:
            rules[f.rule] = len(rule_objs)
            rule_objs.append(_rule(f.rule, LEVELS[f.severity.value]))
        el, ec = end_position(f)
        path = paths.get(f.article, f.article)
        res: dict[str, Any] = {
            "ruleId": f.rule, "ruleIndex": rules[f.rule], "level": LEVELS[f.severity.value],
            "message": {"text": f.message},
            "locations": [_location(path, f.line, f.column, el, ec, f.text[:500] or None)],
            "partialFingerprints": {FINGERPRINT_KEY: fps[id(f)]},
            "properties": {"article": f.article, "severity": f.severity.value},
        }
        if f.evidence:
            res["properties"]["evidence"] = f.evidence
        rel = _related(f, paths)
        if rel:
            res["relatedLocations"] = rel
        if f.suppressed:
            s = f.suppression or {}
            if s.get("kind") == "baseline":
                res["suppressions"] = [{"kind": "external", "status": "accepted",
                                        "justification": f"in the baseline {s.get('file', '')}".strip()}]
            else:
                sup = {"kind": "inSource", "status": "accepted"}
                if s.get("reason"):
                    sup["justification"] = s["reason"]
                res["suppressions"] = [sup]
        results.append(res)
    notes = []
    for e in result.errors:
        n: dict[str, Any] = {"level": "error" if is_unreadable(e) else "warning",
                             "message": {"text": f"{e.path}: {e.message}"},
                             "descriptor": {"id": f"input.{e.kind}"}}
        if not e.path.startswith("<"):
            n["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": _uri(e.path)}}}]
            if e.line:
                n["locations"][0]["physicalLocation"]["region"] = {"startLine": e.line}
        notes.append(n)
    root = Path(os.getcwd()).resolve().as_uri().rstrip("/") + "/"
    run: dict[str, Any] = {
        "tool": {"driver": {"name": result.tool.get("name", "auditor"),
                            "version": result.tool.get("version", "0"),
                            "semanticVersion": result.tool.get("version", "0"),
                            "rules": rule_objs}},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": root}},
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notes}],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"summary": result.summary()},
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


class SarifRenderer:
    name = "sarif"

    def render(self, result: AuditResult, destination: "str | IO[str] | None") -> None:
        emit(destination, lambda fh: fh.write(json.dumps(to_sarif(result), ensure_ascii=False,
                                                         indent=2) + "\n"))


register(SarifRenderer())
