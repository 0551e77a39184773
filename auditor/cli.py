"""Command line: options -> pipeline -> renderers. No analysis lives here."""
from __future__ import annotations

import os
import sys
import time

import click

from . import __version__
from .archive import ArchiveError, open_archive
from .archive.store import add_articles
from .engine.pipeline import AuditOptions, audit
from .engine.progress import make_progress
from .gate.check import (CheckRun, UsageProblem, audit_options, checked_archive, parse_reports,
                         run_check)
from .gate.config import ConfigError, load_config, render_effective
from .ingest import DEFAULT_MAX_BYTES, IngestOptions, iter_sources
from .knowledge.kb_import import import_ifg_ministers, import_us_executive
from .model import IngestError, Severity
from .output import FORMATS, get
from .output.html.render_saved import render_saved
from .output.text import summary_line, timings_table
from .rules import RulePackError, default_rules_dir, load_ruleset

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
        if e.unreadable:
            click.echo(f"auditor: cannot read {e}", err=True)
        else:
            click.echo(f"auditor: check problem: {e}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="auditor")
def main() -> None:
    """Audit news articles the way a careful wire editor would.

    \b
    auditor audit seeds/                audit a folder, write reports/report.json and index.html
    auditor check incoming/             a CI gate: exit 1 when an error-level finding is found
    auditor report reports/report.json  render the HTML report again from a saved report
    auditor rules list                  show the rule packs in force
    auditor rules validate my-rules/    check a folder of rule packs
    """


def common_input_options(f):
    """The input and engine options shared by audit and check, in the order --help shows them."""
    options = [
        click.option("--include", multiple=True, metavar="GLOB",
                     help="Only read files in folders whose relative path or name matches (repeatable)."),
        click.option("--exclude", multiple=True, metavar="GLOB",
                     help="Skip files in folders whose relative path or name matches (repeatable)."),
        click.option("--field", "fields", multiple=True, metavar="OURS=THEIRS",
                     help="Read a JSON field under another name, e.g. --field text=body."),
        click.option("--max-bytes", type=click.IntRange(1), default=DEFAULT_MAX_BYTES, show_default=True,
                     help="Larger files (or JSONL records) are reported as errors and skipped."),
        click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False),
                     metavar="DIR", help="A folder of rule packs layered over the defaults (repeatable)."),
        click.option("--jobs", "-j", type=click.IntRange(1), default=os.cpu_count() or 1,
                     show_default="the machine's cores",
                     help="Processes for the per-article stage (and, in `audit`, the corpus "
                          "checks' costly step and the HTML report's pages); the output is the "
                          "same for any N."),
        click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
                     help="local: this machine (a process pool of --jobs); dask: a dask.distributed "
                          "cluster (needs the [dask] extra)."),
        click.option("--scheduler", metavar="ADDRESS",
                     help="With --engine dask: the scheduler, e.g. tcp://10.0.0.5:8786 "
                          "(default: a local cluster of --jobs workers)."),
    ]
    for option in reversed(options):     # click lists the last decorator applied first
        f = option(f)
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
@click.option("--archive", type=click.Path(dir_okay=False), metavar="DB",
              help="Also compare with the articles stored in this archive (see `auditor archive add`).")
@click.option("--timings", is_flag=True,
              help="Print on stderr where the time went: each check, fingerprint and corpus check "
                   "(seconds, ms per article, share), to find a slow rule pack.")
def audit_cmd(paths, include, exclude, fields, max_bytes, rule_dirs, jobs, engine, scheduler, fmt,
              output_dir, fail_on, strict, quiet, archive, timings):
    """Audit articles in PATH... (files, folders, or - for JSON Lines on stdin).

    \b
    Formats read: .txt/.md (optional YAML front matter), .html/.htm,
    .json (an object or a list), .jsonl/.ndjson (one article a line, also .gz).
    Findings print as path:line:col severity rule message, grouped by article.
    """
    ruleset = load_rules_or_exit(rule_dirs)
    options = audit_options(jobs, engine, scheduler, include, exclude, _field_map(fields), max_bytes)
    if archive:
        options.archive = _archive_or_exit(archive, ruleset)
    if timings:
        options.timings = {}
    progress = make_progress(paths, options.ingest, quiet or fmt == "json")
    options.progress = progress
    try:
        result = audit(list(paths), ruleset, options)
        if output_dir:
            t0 = time.perf_counter()
            progress.phase("writing report.json", None, unit=None)
            get("json").render(result, os.path.join(output_dir, "report.json"))
            progress.phase("writing the HTML report", len(result.articles))
            # the article pages on --jobs processes (forked: not beside a Dask client)
            get("html").render(result, output_dir, progress=progress,
                               jobs=options.jobs if options.engine == "local" else 1)
            if timings:
                options.timings["report:report.json and HTML"] = time.perf_counter() - t0
    finally:
        progress.close()
    report_errors(result)
    if fmt == "json":
        get("json").render(result, sys.stdout)
    elif quiet:
        click.echo(summary_line(result))
    else:
        get("text").render(result, sys.stdout)
        if output_dir:
            click.echo(f"Report: {os.path.join(output_dir, 'report.json')}, "
                       f"{os.path.join(output_dir, 'index.html')}")
    if timings:                         # last, where a terminal user sees it
        sys.stdout.flush()
        click.echo(timings_table(options.timings, len(result.articles)), err=True)
    code = 0
    if fails(result, fail_on) or (strict and result.errors):
        code = 1
    sys.exit(code)


@main.command("report")
@click.argument("report_json", type=click.Path(exists=True, dir_okay=False), metavar="REPORT_JSON")
@click.option("--output", "-o", "output_dir", default="reports", show_default=True, metavar="DIR",
              help="Folder for index.html and the article and cluster pages.")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False), metavar="DIR",
              help="Rule packs the audit used (to locate headlines the same way when re-reading).")
def report_cmd(report_json, output_dir, rule_dirs):
    """Render the HTML report again from a saved REPORT_JSON.

    The articles are read again from their paths (as saved, else relative to the
    report's folder) to show the findings in their text; an article whose file is
    gone or has changed shows its finding spans only, and its page says so.
    """
    try:
        n = render_saved(report_json, output_dir, load_rules_or_exit(rule_dirs))
    except ValueError as e:
        click.echo(f"auditor: {report_json}: {e}", err=True)
        sys.exit(2)
    click.echo(f"Report: {os.path.join(output_dir, 'index.html')} ({n} article pages)")


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
    from .checks import declarations
    rules = declarations.rules()
    click.echo(f"rule ids ({len(rules)} declared; `auditor rules explain RULE` for one)")
    width = max(len(r.id) for r in rules)
    for r in rules:
        click.echo(f"  {r.id:<{width}}  {r.severity:<7}  {r.help}")


@rules_group.command("explain")
@click.argument("rule")
def rules_explain(rule):
    """Explain RULE: a rule id (duplicate.line) or a family (boilerplate)."""
    import textwrap

    from .checks import declarations
    declarations.load()
    r = declarations.get(rule)
    fam = declarations.family(r.family if r else rule)
    if r is None and fam is None:
        near = declarations.close_matches(rule)
        hint = (f"; did you mean {', '.join(near)}?" if near
                else "; `auditor rules list` shows them all")
        click.echo(f"auditor: no rule id {rule!r}{hint}", err=True)
        sys.exit(2)

    def para(text: str) -> None:
        click.echo(textwrap.fill(text, 88))

    if r is not None:
        click.echo(f"{r.id} ({r.name})")
        click.echo(f"family: {r.family}" + (f" ({fam.help})" if fam else ""))
        click.echo(f"default severity: {r.severity}")
        click.echo("")
        para(r.help)
        click.echo("")
        para(r.explain)
        return
    click.echo(f"{fam.name} (family)")
    para(fam.help)
    click.echo("")
    para(fam.explain)
    click.echo("")
    for x in declarations.rules():
        if x.family == fam.name:
            click.echo(f"  {x.id:<28}  {x.severity:<7}  {x.help}")


@rules_group.command("validate")
@click.argument("folder", required=False, type=click.Path(), metavar="[DIR]")
def rules_validate(folder):
    """Validate the rule packs in DIR, layered over the defaults as an audit would use them
    (without DIR: the packs that ship with auditor).

    Prints file, entry id and JSON path of each problem; exits 2 if there is any.
    """
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


# -- auditor check: the CI gate --------------------------------------------------------
_CHECK_KEYS = {   # click parameter name -> configuration key
    "rule_dirs": "rules", "include": "include", "exclude": "exclude", "jobs": "jobs",
    "max_bytes": "max_bytes", "fail_on": "fail_on", "min_severity": "min_severity", "fmt": "format",
    "output_file": "output_file", "reports": "reports", "allow_unreadable": "allow_unreadable",
    "baseline": "baseline", "disable": "disable", "enable": "enable", "archive": "archive",
}
_FORMATS = list(FORMATS)


def _given(ctx: click.Context, params: dict) -> dict:
    """The options the user typed (or set in the environment), as configuration keys."""
    from click.core import ParameterSource
    out = {}
    for name, key in _CHECK_KEYS.items():
        src = ctx.get_parameter_source(name)
        if src in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT):
            v = params[name]
            out[key] = list(v) if isinstance(v, tuple) else v
    return out


def _load_config_or_exit(config_file):
    try:
        return load_config(config_file)
    except ConfigError as e:
        for line in str(e).splitlines():
            click.echo(f"auditor: configuration error: {line}", err=True)
        sys.exit(2)


@main.command("check")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@common_input_options
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Configuration file (default: auditor.toml or pyproject.toml [tool.auditor], "
                   "looked for from the working directory upward).")
@click.option("--fail-on", type=click.Choice(FAIL_LEVELS),
              help="Exit 1 when a finding at or above this severity remains.  [default: error]")
@click.option("--min-severity", type=click.Choice(["error", "warning", "info"]),
              help="Show findings at or above this severity (does not change the exit code). "
                   "[default: info]")
@click.option("--format", "fmt", type=click.Choice(_FORMATS),
              help="Output format on stdout (or in --output-file).  [default: text]")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the --format output here instead of stdout (html: a folder or .html file).")
@click.option("--report", "reports", multiple=True, metavar="FORMAT=PATH",
              help="Also write FORMAT to PATH (repeatable), e.g. --report sarif=auditor.sarif.")
@click.option("--allow-unreadable", is_flag=True, default=False,
              help="Inputs that cannot be read do not fail the check (they are still listed).")
@click.option("--baseline", type=click.Path(dir_okay=False), metavar="FILE",
              help="Hide the findings recorded in FILE; new ones are still reported.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), metavar="FILE",
              help="Record today's findings in FILE (they are then hidden in this run too).")
@click.option("--since", metavar="GIT_REF",
              help="Report only articles added or changed since GIT_REF (compared with all).")
@click.option("--disable", multiple=True, metavar="RULE",
              help="Switch off a rule id or family (headline.*) (repeatable).")
@click.option("--enable", multiple=True, metavar="RULE",
              help="Switch a rule disabled in the configuration back on (repeatable).")
@click.option("--archive", type=click.Path(dir_okay=False), metavar="DB",
              hidden=not hasattr(AuditOptions(), "archive"),
              help="Archive of articles seen before, compared with the incoming ones.")
@click.pass_context
def check_cmd(ctx, paths, config_file, since, write_baseline, fields, **params):
    """Audit PATH... as a CI gate: exit 0 pass, 1 fail, 2 usage/configuration/rule-pack error.

    \b
    Same analysis as `audit`. Fails (1) when a finding at or above --fail-on
    remains after the baseline and inline suppressions, or when an input
    cannot be read (unless --allow-unreadable). Formats: text, json, jsonl,
    sarif, github (workflow annotations), junit, html.
    """
    params["fields"] = fields
    cfg = _load_config_or_exit(config_file)
    try:
        given = _given(ctx, params)
        if "reports" in given:
            given["reports"] = {**cfg["reports"], **parse_reports(given["reports"])}
        cfg.override(given)
        run = CheckRun(list(paths), cfg, fields=_field_map(fields), since=since,
                       write_baseline=write_baseline, engine=params.get("engine") or "local",
                       scheduler=params.get("scheduler"))
        code = run_check(run, click.echo, lambda s: click.echo(s, err=True))
    except UsageProblem as e:
        for line in str(e).splitlines():
            click.echo(f"auditor: {line}", err=True)
        sys.exit(2)
    sys.exit(code)


@main.command("config")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Read this file instead of looking for one.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: each value with its source.")
def config_cmd(config_file, as_json):
    """Print the effective configuration and where each value came from."""
    cfg = _load_config_or_exit(config_file)
    if as_json:
        import json
        click.echo(json.dumps(cfg.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_effective(cfg), nl=False)


def _archive_or_exit(path: str, ruleset) -> str:
    """Check an archive can be used with these rules before the audit starts (exit 2 if not)."""
    try:
        return checked_archive(path, ruleset)
    except UsageProblem as e:
        click.echo(f"auditor: {e}", err=True)
        sys.exit(2)


@main.group("archive")
def archive_group():
    """Keep fingerprints of articles seen before, to check incoming articles against.

    \b
    auditor archive add archive.db old/            store old articles
    auditor audit new/ --archive archive.db        report near-duplicates and reuse of them
    """


@archive_group.command("add")
@click.argument("db", type=click.Path(dir_okay=False), metavar="DB")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--include", multiple=True, metavar="GLOB", help="Only read matching files (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip matching files (repeatable).")
@click.option("--field", "fields", multiple=True, metavar="OURS=THEIRS",
              help="Read a JSON field under another name, e.g. --field text=body.")
@click.option("--max-bytes", type=click.IntRange(1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Larger files (or JSONL records) are skipped.")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False), metavar="DIR",
              help="A folder of rule packs layered over the defaults (repeatable).")
def archive_add(db, paths, include, exclude, fields, max_bytes, rule_dirs):
    """Store signatures, headline keys, line hashes and passages of the articles in PATH... in DB.

    The whole add is one transaction: interrupted, it leaves DB as it was. An
    article already stored (same path and id) is replaced.
    """
    ruleset = load_rules_or_exit(rule_dirs)
    opts = IngestOptions(include=tuple(include), exclude=tuple(exclude), fields=_field_map(fields),
                         max_bytes=max_bytes)
    errors = []

    def articles():
        for a in iter_sources(list(paths), opts):
            if isinstance(a, IngestError):
                errors.append(a)
                click.echo(f"auditor: cannot read {a}", err=True)
            else:
                yield a
    try:
        store = open_archive(db, readonly=False)
        try:
            n = add_articles(store, articles(), ruleset)
            total = store.count()
        finally:
            store.close()
    except ArchiveError as e:
        click.echo(f"auditor: archive: {e}", err=True)
        sys.exit(2)
    click.echo(f"{db}: added {n} article(s); {total} in the archive"
               + (f"; {len(errors)} input(s) could not be read" if errors else ""))


@archive_group.command("info")
@click.argument("db", type=click.Path(dir_okay=False), metavar="DB")
def archive_info(db):
    """How many articles DB holds and the settings its fingerprints were made with."""
    try:
        store = open_archive(db)
    except ArchiveError as e:
        click.echo(f"auditor: archive: {e}", err=True)
        sys.exit(2)
    click.echo(f"{db}: {store.count()} article(s)")
    for k, v in sorted(store.params().items()):
        click.echo(f"  {k}: {v}")
    store.close()


@main.group("kb")
def kb_group():
    """Build knowledge-base packs (people, posts, tenures) from public datasets."""


def _kb_import_options(f):
    f = click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False), metavar="DIR",
                     help="Folders layered over the defaults; their kb-positions map source posts.")(f)
    f = click.option("--retrieved", metavar="YYYY-MM-DD", default=None,
                     help="Date the source was retrieved (default: today).")(f)
    f = click.option("--source", "source_note", metavar="TEXT", default=None,
                     help="Where the data came from, written into every record.")(f)
    return f


@kb_group.command("import-us-executive")
@click.argument("src", type=click.Path(exists=True, dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False))
@_kb_import_options
def kb_import_us(src, out, rule_dirs, retrieved, source_note):
    """US presidents and vice presidents from congress-legislators' executive.yaml (CC0) -> OUT."""
    import datetime as _dt
    pack = import_us_executive(src, out, load_rules_or_exit(rule_dirs),
                               retrieved=retrieved or _dt.date.today().isoformat(),
                               source=source_note or "github.com/unitedstates/congress-legislators executive.yaml")
    click.echo(f"{len(pack['entries'])} people written to {out}")


@kb_group.command("import-ifg")
@click.argument("src", type=click.Path(exists=True, file_okay=False))
@click.argument("out", type=click.Path(dir_okay=False))
@_kb_import_options
def kb_import_ifg(src, out, rule_dirs, retrieved, source_note):
    """UK ministers from the IfG Ministers Database CSV folder (CC BY 4.0, credited) -> OUT."""
    import datetime as _dt
    pack = import_ifg_ministers(src, out, load_rules_or_exit(rule_dirs),
                                retrieved=retrieved or _dt.date.today().isoformat(),
                                source=source_note or "Institute for Government Ministers Database")
    click.echo(f"{len(pack['entries'])} people written to {out}")
