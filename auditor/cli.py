"""Command line: options -> pipeline -> renderers. No analysis lives here."""
from __future__ import annotations

import os
import sys

import click

from . import __version__
from .ingest import DEFAULT_MAX_BYTES, IngestOptions
from .model import Severity
from .pipeline import AuditOptions, audit
from .rules import RulePackError, load_ruleset

FAIL_LEVELS = ["error", "warning", "info", "never"]


def _field_map(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        ours, sep, theirs = v.partition("=")
        if not sep or not ours or not theirs:
            raise click.BadParameter(f"{v!r}: expected OURS=THEIRS, e.g. text=body", param_hint="--field")
        if ours not in ("id", "title", "text", "url", "outlet", "published"):
            raise click.BadParameter(f"{ours!r} is not a field (id, title, text, url, outlet, published)",
                                     param_hint="--field")
        out[ours] = theirs
    return out


def load_rules_or_exit(rule_dirs: tuple[str, ...]):
    try:
        return load_ruleset(rule_dirs)
    except RulePackError as e:
        for p in e.problems:
            click.echo(f"auditor: rule pack error: {p}", err=True)
        click.echo(f"auditor: {len(e.problems)} problem(s) in rule packs; nothing was audited.", err=True)
        sys.exit(2)


def fails(result, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    worst = result.worst_severity()
    return worst is not None and worst.rank >= Severity.parse(fail_on).rank


def report_errors(result) -> None:
    for e in result.errors:
        click.echo(f"auditor: cannot read {e}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="auditor")
def main() -> None:
    """Audit news articles the way a careful wire editor would.

    \b
    auditor audit seeds/              audit a folder, write reports/report.json and index.html
    auditor rules list                show the rule packs in force
    auditor rules validate my-rules/  check a folder of rule packs
    """


def common_input_options(f):
    f = click.option("--include", multiple=True, metavar="GLOB",
                     help="Only read files in folders whose relative path or name matches (repeatable).")(f)
    f = click.option("--exclude", multiple=True, metavar="GLOB",
                     help="Skip files in folders whose relative path or name matches (repeatable).")(f)
    f = click.option("--field", "fields", multiple=True, metavar="OURS=THEIRS",
                     help="Read a JSON field under another name, e.g. --field text=body.")(f)
    f = click.option("--max-bytes", type=click.IntRange(1), default=DEFAULT_MAX_BYTES, show_default=True,
                     help="Larger files (or JSONL records) are reported as errors and skipped.")(f)
    f = click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False),
                     metavar="DIR", help="A folder of rule packs layered over the defaults (repeatable).")(f)
    f = click.option("--jobs", "-j", type=click.IntRange(1), default=1, show_default=True,
                     help="Processes for the per-article stage; the output is the same for any N.")(f)
    return f


@main.command("audit")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@common_input_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="What to print on stdout.")
@click.option("--output", "-o", "output_dir", default="reports", show_default=True, metavar="DIR",
              help="Folder for report.json and index.html ('' to write no files).")
@click.option("--fail-on", type=click.Choice(FAIL_LEVELS), default="never", show_default=True,
              help="Exit 1 when a finding at or above this severity is found.")
@click.option("--strict", is_flag=True, help="Exit 1 when any input could not be read.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line (and errors on stderr).")
def audit_cmd(paths, include, exclude, fields, max_bytes, rule_dirs, jobs, fmt, output_dir, fail_on,
              strict, quiet):
    """Audit articles in PATH... (files, folders, or - for JSON Lines on stdin).

    \b
    Formats read: .txt/.md (optional YAML front matter), .html/.htm,
    .json (an object or a list), .jsonl/.ndjson (one article a line, also .gz).
    Findings print as path:line:col severity rule message, grouped by article.
    """
    ruleset = load_rules_or_exit(rule_dirs)
    options = AuditOptions(jobs=jobs, ingest=IngestOptions(
        include=tuple(include), exclude=tuple(exclude), fields=_field_map(fields), max_bytes=max_bytes))
    result = audit(list(paths), ruleset, options)
    report_errors(result)
    from .output import get
    from .output.text import summary_line
    if output_dir:
        get("json").render(result, os.path.join(output_dir, "report.json"))
        get("html").render(result, output_dir)
    if fmt == "json":
        get("json").render(result, sys.stdout)
    elif quiet:
        click.echo(summary_line(result))
    else:
        get("text").render(result, sys.stdout)
        if output_dir:
            click.echo(f"Report: {os.path.join(output_dir, 'report.json')}, "
                       f"{os.path.join(output_dir, 'index.html')}")
    code = 0
    if fails(result, fail_on) or (strict and result.errors):
        code = 1
    sys.exit(code)


@main.group("rules")
def rules_group():
    """Inspect and validate rule packs."""


@rules_group.command("list")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False), metavar="DIR",
              help="Folders layered over the defaults (repeatable).")
def rules_list(rule_dirs):
    """List the rule packs in force and their entries (disabled ones marked)."""
    ruleset = load_rules_or_exit(rule_dirs)
    for kind in sorted(ruleset.packs):
        pack = ruleset.packs[kind]
        active = pack.active()
        click.echo(f"{kind} (version {pack.version}, {len(active)}/{len(pack.entries)} entries enabled)")
        for src in pack.sources:
            click.echo(f"  from {src}")
        for e in pack.entries.values():
            mark = "" if e.get("enabled", True) else "  [disabled]"
            desc = e.get("description") or e.get("name") or e.get("pattern") or ""
            desc = (desc[:70] + "...") if len(desc) > 73 else desc
            click.echo(f"  {e['id']}: {desc}{mark}")


@rules_group.command("validate")
@click.argument("folder", required=False, type=click.Path(), metavar="[DIR]")
def rules_validate(folder):
    """Validate the rule packs in DIR, layered over the defaults as an audit would use them
    (without DIR: the packs that ship with auditor).

    Prints file, entry id and JSON path of each problem; exits 2 if there is any.
    """
    from .rules import default_rules_dir
    target = folder if folder else str(default_rules_dir())
    try:
        ruleset = load_ruleset([folder] if folder else [])
    except RulePackError as e:
        for p in e.problems:
            click.echo(p, err=True)
        click.echo(f"{len(e.problems)} problem(s) in {target}", err=True)
        sys.exit(2)
    n = sum(len(p.sources) for p in ruleset.packs.values())
    click.echo(f"{target}: valid ({n} pack file(s) in force, {len(ruleset.packs)} kinds)")
