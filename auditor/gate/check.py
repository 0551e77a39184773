"""``auditor check``: the audit as a CI gate, with exit codes.

* 0 - nothing at or above the fail level remains (after baseline and inline
  suppression), and every input could be read (or ``--allow-unreadable``);
* 1 - a finding at or above the fail level remains, or an input could not be
  read;
* 2 - a usage, configuration, baseline, git or rule-pack error: nothing was
  judged. (``UsageProblem`` carries these to the command line.)

Writing report files never changes the code; failing to write one is a
usage problem (2), since the run could not do what was asked.
"""
from __future__ import annotations

import dataclasses
import os
import sys
from dataclasses import dataclass, field
from typing import IO, Any, Callable

from ..archive import ArchiveError, check_params, open_archive
from ..engine.pipeline import AuditOptions, audit
from ..engine.progress import make_progress
from ..ingest import IngestOptions
from ..model import AuditResult, Finding, IngestError, Severity
from ..output import FORMATS, get
from ..output._ci import is_unreadable
from ..output.text import summary_line
from ..rules import RulePackError, RuleSet, load_ruleset
from .baseline import BaselineError, apply_baseline, read_baseline, write_baseline
from .config import Config, ConfigError, apply_to_ruleset
from .incoming import GitError, changed_files, restrict

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageProblem(Exception):
    """Something the user must fix before the articles can be judged (exit code 2)."""


@dataclass
class CheckRun:
    paths: list[str]
    config: Config
    fields: dict[str, str] = field(default_factory=dict)
    since: str | None = None
    write_baseline: str | None = None
    stdin: Any = None
    engine: str = "local"
    scheduler: str | None = None


def parse_reports(values: tuple[str, ...] | list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values:
        fmt, sep, path = v.partition("=")
        fmt = fmt.strip()
        if not sep or not path:
            raise UsageProblem(f"--report {v!r}: expected FORMAT=PATH, e.g. sarif=auditor.sarif")
        if fmt not in FORMATS:
            raise UsageProblem(f"--report {v!r}: unknown format {fmt!r} (known: {', '.join(FORMATS)})")
        out[fmt] = path
    return out


def build_ruleset(cfg: Config) -> RuleSet:
    try:
        ruleset = load_ruleset(cfg["rules"])
    except RulePackError as e:
        raise UsageProblem("\n".join(f"rule pack error: {p}" for p in e.problems)
                           + f"\n{len(e.problems)} problem(s) in rule packs; nothing was audited.") \
            from None
    try:
        apply_to_ruleset(cfg, ruleset)
    except ConfigError as e:
        raise UsageProblem(f"configuration error: {e}") from None
    return ruleset


def audit_options(jobs: int, engine: str, scheduler: str | None, include, exclude,
                  fields: dict[str, str], max_bytes: int, stdin: Any = None) -> AuditOptions:
    """The pipeline options, as `audit` and `check` both build them."""
    return AuditOptions(jobs=jobs, engine=engine or "local", scheduler=scheduler, stdin=stdin,
                        ingest=IngestOptions(include=tuple(include), exclude=tuple(exclude),
                                             fields=dict(fields), max_bytes=max_bytes))


def checked_archive(path: str, ruleset: RuleSet) -> str:
    """The archive path, once it is known to open and to match the rules (else UsageProblem)."""
    try:
        store = open_archive(path, readonly=True)
        try:
            check_params(store, ruleset)
        finally:
            store.close()
    except (ArchiveError, OSError) as e:
        raise UsageProblem(f"archive: {e}") from None
    return path


def unreadable(result: AuditResult) -> list[IngestError]:
    return [e for e in result.errors if is_unreadable(e)]


def failing(result: AuditResult, fail_on: str) -> list[Finding]:
    """Findings (not suppressed) at or above the fail level."""
    if fail_on == "never":
        return []
    level = Severity.parse(fail_on).rank
    return [f for f in result.findings if not f.suppressed and f.severity.rank >= level]


def exit_code(result: AuditResult, fail_on: str, allow_unreadable: bool) -> int:
    if failing(result, fail_on):
        return EXIT_FAIL
    if unreadable(result) and not allow_unreadable:
        return EXIT_FAIL
    return EXIT_OK


def shown(result: AuditResult, min_severity: str) -> AuditResult:
    """What the renderers see: findings below ``min_severity`` left out."""
    level = Severity.parse(min_severity).rank
    hidden = sum(1 for f in result.findings if f.severity.rank < level)
    return dataclasses.replace(
        result, findings=[f for f in result.findings if f.severity.rank >= level],
        options={**result.options, "hidden_below_min_severity": hidden})


def render(fmt: str, result: AuditResult, destination: "str | IO[str]") -> None:
    try:
        if isinstance(destination, str):        # the folder a report goes in (html: the report's)
            folder = destination if fmt == "html" and not destination.endswith(".html") \
                else os.path.dirname(os.path.abspath(destination))
            os.makedirs(folder, exist_ok=True)
        get(fmt).render(result, destination)
    except OSError as e:
        raise UsageProblem(f"cannot write the {fmt} report to {destination}: "
                           f"{e.strerror or e}") from None


def run_check(run: CheckRun, echo: Callable[[str], None], echo_err: Callable[[str], None]) -> int:
    """The whole check; returns the exit code (raises UsageProblem for code 2)."""
    cfg = run.config
    ruleset = build_ruleset(cfg)
    changed = None
    if run.since:
        try:
            changed = changed_files(run.since)
        except GitError as e:
            raise UsageProblem(f"--since {run.since}: {e}") from None
    baseline_entries = None
    if cfg["baseline"] and not run.write_baseline:
        try:
            baseline_entries = read_baseline(cfg["baseline"])
        except BaselineError as e:
            raise UsageProblem(str(e)) from None
    options = audit_options(cfg["jobs"], run.engine, run.scheduler, cfg["include"], cfg["exclude"],
                            run.fields, cfg["max_bytes"], stdin=run.stdin)
    if cfg["archive"]:
        options.archive = checked_archive(cfg["archive"], ruleset)
    progress = make_progress(run.paths, options.ingest, cfg["format"] != "text" or bool(cfg["output_file"]))
    options.progress = progress
    try:
        result = audit(list(run.paths), ruleset, options)
    finally:
        progress.close()

    if run.write_baseline:
        n = write_baseline(result, run.write_baseline)
        echo_err(f"auditor: wrote {n} finding(s) to the baseline {run.write_baseline}")
        baseline_entries, baseline_path = read_baseline(run.write_baseline), run.write_baseline
    else:
        baseline_path = cfg["baseline"]
    if baseline_entries is not None:
        apply_baseline(result, baseline_entries, baseline_path)
    if changed is not None:
        result = restrict(result, changed)
    result.options.update(fail_on=cfg["fail_on"], min_severity=cfg["min_severity"],
                          allow_unreadable=cfg["allow_unreadable"])
    code = exit_code(result, cfg["fail_on"], cfg["allow_unreadable"])

    view = shown(result, cfg["min_severity"])
    fmt = cfg["format"]
    if fmt != "text" or cfg["output_file"]:       # the text report lists them itself
        for e in result.errors:
            echo_err(f"auditor: cannot read {e}" if is_unreadable(e) else f"auditor: {e}")
    for fmt_, path in cfg["reports"].items():
        render(fmt_, view, path)
    if cfg["output_file"]:
        render(fmt, view, cfg["output_file"])
        echo(summary_line(view))
    else:
        render(fmt, view, sys.stdout)
    if fmt == "text" or cfg["output_file"]:
        for line in verdict_lines(result, code, cfg):
            echo(line)
    else:
        for line in verdict_lines(result, code, cfg):
            echo_err(line)
    return code


def verdict_lines(result: AuditResult, code: int, cfg: Config) -> list[str]:
    """Baseline, scope and the reason for the exit code, for people reading CI logs."""
    lines = []
    since = result.options.get("since")
    if since:
        lines.append(f"Incoming: {since['articles']} of {since['of']} articles changed since the ref.")
    b = result.baseline
    if b is not None:
        lines.append(f"Baseline {b['file']}: {b['matched']} known finding(s) hidden, {b['new']} new, "
                     f"{len(b['stale'])} stale entr{'y' if len(b['stale']) == 1 else 'ies'}.")
        for s in b["stale"][:20]:
            lines.append(f"  stale: {s['article']} {s['rule']} {s['text'][:60]!r} (no longer found; "
                         f"rewrite the baseline)")
        if len(b["stale"]) > 20:
            lines.append(f"  ... and {len(b['stale']) - 20} more stale entries")
    hidden = sum(1 for f in result.findings if not f.suppressed
                 and f.severity.rank < Severity.parse(cfg["min_severity"]).rank)
    if hidden:
        lines.append(f"{hidden} finding(s) below --min-severity {cfg['min_severity']} not shown.")
    fail = failing(result, cfg["fail_on"])
    bad = unreadable(result)
    if code == EXIT_OK:
        lines.append(f"Check passed (fail-on {cfg['fail_on']}).")
    else:
        why = []
        if fail:
            why.append(f"{len(fail)} finding(s) at or above {cfg['fail_on']}")
        if bad and not cfg["allow_unreadable"]:
            why.append(f"{len(bad)} unreadable input(s) (allow with --allow-unreadable)")
        lines.append(f"Check failed: {'; '.join(why)}.")
    return lines
