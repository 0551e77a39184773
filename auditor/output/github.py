"""GitHub Actions workflow commands: findings become annotations on the pull request.

``::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=T::message`` for each
finding shown (info findings become ``notice``). Errors come first: the
findings are chosen by severity within GitHub's limits (10 annotations of each
kind per step, 50 per job; unreadable inputs first, since they fail the check),
then printed grouped per file (``::group::``), files with errors first. What
was left out is counted in a closing ``::notice`` and listed as plain log lines.
Values are escaped as the Actions runner expects: ``%``, CR and LF in the
message; also ``:`` and ``,`` in properties.
"""
from __future__ import annotations

from typing import IO

from ..model import AuditResult
from . import emit, register
from ._ci import article_paths, display_path, end_position, is_unreadable

MAX_ANNOTATIONS = 50          # per job
PER_KIND = 10                 # per step and kind (error, warning, notice), as GitHub documents
COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **props) -> str:
    ps = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{kind}{' ' + ps if ps else ''}::{escape_data(message)}"


def render_github(result: AuditResult, fh: IO[str], limit: int | None = None,
                  per_kind: int = PER_KIND) -> None:
    limit = int(result.options.get("github_max_annotations", MAX_ANNOTATIONS)) if limit is None else limit
    budget = {"error": per_kind, "warning": per_kind, "notice": max(0, per_kind - 1)}  # 1 for the count
    total = [limit]

    def take(kind: str) -> bool:
        if budget[kind] <= 0 or total[0] <= 0:
            return False
        budget[kind] -= 1
        total[0] -= 1
        return True

    paths = article_paths(result)
    left_inputs = 0
    input_lines = []
    for e in result.errors:                  # unreadable inputs fail the check: they go first
        kind = "error" if is_unreadable(e) else "warning"
        if take(kind):
            input_lines.append(command(kind, e.message, file=display_path(e.path), line=e.line,
                                       title=f"auditor: input {e.kind}"))
        else:
            left_inputs += 1
    active = [f for f in result.findings if not f.suppressed]
    ranked = sorted(active, key=lambda f: (-f.severity.rank, paths.get(f.article, f.article),
                                           f.line, f.column))
    chosen, left = [], []
    for f in ranked:
        (chosen if take(COMMANDS[f.severity.value]) else left).append(f)
    by_file: dict[str, list] = {}
    for f in chosen:
        by_file.setdefault(display_path(paths.get(f.article, f.article)), []).append(f)
    order = sorted(by_file, key=lambda p: (-max(f.severity.rank for f in by_file[p]), p))
    for line in input_lines:
        fh.write(line + "\n")
    for path in order:
        fs = sorted(by_file[path], key=lambda f: (-f.severity.rank, f.line, f.column, f.rule))
        fh.write(f"::group::{escape_data(path)} ({len(fs)} finding{'s' if len(fs) != 1 else ''})\n")
        for f in fs:
            el, ec = end_position(f)
            props = {"file": path, "line": f.line, "col": f.column, "endLine": el, "endColumn": ec,
                     "title": f"{f.rule} ({f.severity.value})"}
            if el != f.line:                     # GitHub ignores columns on multi-line annotations
                props.pop("col"), props.pop("endColumn")
            fh.write(command(COMMANDS[f.severity.value], f.message, **props) + "\n")
        fh.write("::endgroup::\n")
    if left or left_inputs:
        counts = {s: sum(1 for f in left if f.severity.value == s) for s in ("error", "warning", "info")}
        detail = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        if left_inputs:
            detail = ", ".join(x for x in (detail, f"{left_inputs} unreadable input(s)") if x)
        fh.write(command("notice", f"{len(left) + left_inputs} more finding(s) not shown as annotations "
                                   f"({detail}); GitHub shows {per_kind} of each kind per step: "
                                   f"see the log above or the full report.",
                         title="auditor: findings left out") + "\n")
        for f in left:                           # still in the log, as plain lines
            fh.write(f"{display_path(paths.get(f.article, f.article))}:{f.line}:{f.column} "
                     f"{f.severity.value} {f.rule} {f.message}\n")
    hidden = result.options.get("hidden_below_min_severity")
    suppressed = len(result.findings) - len(active)
    s = result.summary()
    fh.write(f"auditor: {s['articles']} articles, {s['findings']} findings ({s['by_severity']['error']} error, "
             f"{s['by_severity']['warning']} warning, {s['by_severity']['info']} info), {suppressed} suppressed"
             + (f", {hidden} below --min-severity not shown" if hidden else "") + "\n")


class GithubRenderer:
    name = "github"

    def render(self, result: AuditResult, destination: "str | IO[str] | None") -> None:
        emit(destination, lambda fh: render_github(result, fh))


register(GithubRenderer())
