"""JUnit XML for CI test reports: one testcase per article.

Each finding at or above the fail level (``result.options['fail_on']``,
default error) is a ``<failure>`` of its article's testcase; findings below it
and suppressed ones are listed in ``<system-out>``. An input that could not be
read is a testcase with an ``<error>``.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import IO

from ..model import AuditResult
from . import emit, register
from ._ci import article_paths, at_or_above, display_path, fail_level, is_unreadable


def to_junit(result: AuditResult) -> ET.ElementTree:
    level = fail_level(result)
    paths = article_paths(result)
    by_article: dict[str, list] = {}
    for f in result.findings:
        by_article.setdefault(f.article, []).append(f)
    suite = ET.Element("testsuite", name="auditor")
    tests = failures = errors = 0
    per_path: dict[str, int] = {}
    for rec in result.articles:
        per_path[rec.get("path", "")] = per_path.get(rec.get("path", ""), 0) + 1
    for rec in result.articles:
        path = display_path(paths.get(rec["id"], rec["id"]))
        name = path if per_path.get(rec.get("path", ""), 0) == 1 else f"{path} [{rec['id']}]"
        case = ET.SubElement(suite, "testcase", classname=f"auditor.{rec.get('format', 'article')}",
                             name=name, file=path)
        tests += 1
        out_lines = []
        for f in by_article.get(rec["id"], []):
            where = f"{path}:{f.line}:{f.column}"
            if not f.suppressed and at_or_above(f, level):
                failures += 1
                el = ET.SubElement(case, "failure", type=f.rule,
                                   message=f"{f.rule} ({f.severity.value}) at line {f.line}: {f.message}")
                el.text = f"{where} {f.severity.value} {f.rule}\n{f.message}\n{f.text[:300]}"
            else:
                tag = f" [suppressed: {(f.suppression or {}).get('kind', 'yes')}]" if f.suppressed else ""
                out_lines.append(f"{where} {f.severity.value} {f.rule} {f.message}{tag}")
        if out_lines:
            ET.SubElement(case, "system-out").text = "\n".join(out_lines)
    for e in result.errors:
        if not is_unreadable(e):
            continue
        tests += 1
        errors += 1
        case = ET.SubElement(suite, "testcase", classname="auditor.input",
                             name=display_path(e.path), file=display_path(e.path))
        el = ET.SubElement(case, "error", type=e.kind, message=e.message)
        el.text = str(e)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    root = ET.Element("testsuites", name="auditor", tests=str(tests), failures=str(failures),
                      errors=str(errors))
    root.append(suite)
    ET.indent(root)
    return ET.ElementTree(root)


def _write(result: AuditResult, fh: IO[str]) -> None:
    fh.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    fh.write(ET.tostring(to_junit(result).getroot(), encoding="unicode"))
    fh.write("\n")


class JunitRenderer:
    name = "junit"

    def render(self, result: AuditResult, destination: "str | IO[str] | None") -> None:
        emit(destination, lambda fh: _write(result, fh))


register(JunitRenderer())
