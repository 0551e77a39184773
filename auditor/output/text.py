"""Findings for people at a terminal, grouped by article: path:line:col severity rule message."""
from __future__ import annotations

from typing import IO

from ..model import AuditResult, Severity
from . import emit, register


def summary_line(result: AuditResult) -> str:
    s = result.summary()
    sev = s["by_severity"]
    parts = [f"{s['articles']} article{'s' if s['articles'] != 1 else ''}",
             f"{s['findings']} finding{'s' if s['findings'] != 1 else ''} "
             f"({sev['error']} error, {sev['warning']} warning, {sev['info']} info)"]
    if s["clusters"]:
        parts.append(f"{s['clusters']} cluster{'s' if s['clusters'] != 1 else ''}")
    if s["suppressed"]:
        parts.append(f"{s['suppressed']} suppressed")
    unreadable = sum(1 for e in result.errors if e.unreadable)
    parts.append(f"{unreadable} unreadable input{'s' if unreadable != 1 else ''}")
    if len(result.errors) > unreadable:
        n = len(result.errors) - unreadable
        parts.append(f"{n} check problem{'s' if n != 1 else ''}")
    return "Summary: " + ", ".join(parts)


RUN_STEPS = ("corpus:", "report:")     # steps of the run as a whole, not of each article


def timings_table(timings: dict[str, float], articles: int) -> str:
    """``--timings``: where a run's time went, step by step, largest first.

    Per-article steps are seconds summed over the processes that ran them (with several jobs
    they add up to more than the run took), with their share of all per-article time; the
    corpus checks (``corpus:<check>``) and the report writing (``report:...``) are seconds of
    the run itself."""
    per = {k: v for k, v in timings.items() if not k.startswith(RUN_STEPS)}
    rest = {k: v for k, v in timings.items() if k not in per}
    total = sum(per.values())
    n = max(1, articles)
    lines = [f"Timings, {articles:,} article{'s' if articles != 1 else ''}: per-article steps "
             f"(seconds summed over the processes that ran them)",
             f"  {'step':<38} {'seconds':>9} {'ms/article':>11} {'share':>7}"]
    for k, v in sorted(per.items(), key=lambda kv: (-kv[1], kv[0])):
        share = f"{100 * v / total:6.1f}%" if total > 0 else ""
        lines.append(f"  {k:<38} {v:>9.2f} {1000 * v / n:>11.3f} {share:>7}")
    lines.append(f"  {'all per-article steps':<38} {total:>9.2f} {1000 * total / n:>11.3f}")
    if rest:
        lines.append("Corpus checks and the report (seconds of the run)")
        for k, v in sorted(rest.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {k:<38} {v:>9.2f}")
    return "\n".join(lines)


def render_text(result: AuditResult, fh: IO[str], min_severity: Severity | None = None,
                color: bool = False) -> None:
    for rec, found in result.per_article():         # a batch of articles at a time
        fs = [f for f in found if not f.suppressed
              and not (min_severity and f.severity.rank < min_severity.rank)]
        rel = rec.get("reliability")
        head = rec["path"] if rec["path"] == rec["id"] else f"{rec['path']} [{rec['id']}]"
        extra = ""
        if isinstance(rel, dict) and "score" in rel:
            extra = f"  reliability {rel['score']}/100 ({rel.get('grade', '?')})"
        fh.write(f"{head}: {len(fs)} finding{'s' if len(fs) != 1 else ''}{extra}\n")
        for f in fs:
            fh.write(f"  {rec['path']}:{f.line}:{f.column} {_sev(f.severity, color)} "
                     f"{f.rule} {f.message}\n")
        if isinstance(rel, dict) and rel.get("components"):
            parts = ", ".join(f"{c['name']} {c['points']:+g}" for c in rel["components"]
                              if c.get("points"))
            if parts:
                fh.write(f"    score: {parts}\n")
                for c in rel["components"]:
                    if c.get("points") and c.get("explanation"):
                        fh.write(f"      {c['name']}: {c['explanation']}\n")
    if any(e.unreadable for e in result.errors):
        fh.write("Unreadable inputs:\n")
        for e in result.errors:
            if e.unreadable:
                fh.write(f"  {e}\n")
    if not all(e.unreadable for e in result.errors):
        fh.write("Check problems (the checks named could not finish on these articles):\n")
        for e in result.errors:
            if not e.unreadable:
                fh.write(f"  {e}\n")
    fh.write(summary_line(result) + "\n")


_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}


def _sev(sev: Severity, color: bool) -> str:
    return f"{_COLORS[sev.value]}{sev.value}\x1b[0m" if color else sev.value


class TextRenderer:
    name = "text"

    def render(self, result: AuditResult, destination=None, **kw) -> None:
        emit(destination, lambda fh: render_text(result, fh, **kw))


register(TextRenderer())
