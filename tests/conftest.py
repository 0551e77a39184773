"""What every test file shares: the default rule set and articles made from text (fixtures),
paths, the report schema, running the CLI, and `require` for what the tests need from outside
Python (redis-server, Chromium) or from the test extras.

The test folder mirrors the package (tests/checks/ for auditor/checks/, ...). Test modules are
imported by their file name (pytest's default "prepend" import mode, no __init__.py), so each
file name is unique across the folders; this file's folder is on sys.path, so a test module
imports the helpers below with ``from conftest import ...``.
"""
import dataclasses
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ROOT / "seeds"
REPORT_SCHEMA = json.loads((ROOT / "auditor" / "schemas" / "report.schema.json").read_text())


@pytest.fixture(scope="session")
def report_schema():
    return REPORT_SCHEMA


def validate_report(data: dict) -> None:
    """Every JSON the tool writes must validate against the shipped schema."""
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(data)
    for f in data["findings"]:
        art = f["article"]
        assert f["end"] >= f["start"], f


@pytest.fixture(scope="session")
def ruleset():
    """The default rule packs, loaded once for the session. Shared: a test that changes a rule
    set (disables a rule, applies a config, adds to its compiled rules) loads or copies its own."""
    from auditor.rules import load_ruleset
    return load_ruleset()


def make_article(text: str, name: str = "t.txt", *, id: str | None = None,
                 title: str | None = None, outlet: str | None = None, url: str | None = None,
                 published: str | None = None, meta: dict | None = None):
    """The ``Article`` ingest makes of ``text``; ``name`` is its path, and its id unless ``id``
    gives one (as front matter or a record's id field does).

    Without a title, as the text reader reads a file holding ``text`` (``textfile.parse``): the
    text is the whole file, its lines the non-blank ones, the headline the first of them (or the
    front matter's); ``outlet``, ``url``, ``published`` and ``meta`` are then set as metadata
    would set them. With a title, as the JSON reader reads a record with these fields and
    ``text`` as its body (``record_to_article``): the headline is put before the body, unless
    the body starts with it, and offsets map back to the record's fields.

    A plain function, so that module-level helpers can call it too; tests can also ask for it
    as the ``make_article`` fixture.
    """
    from auditor.ingest import IngestOptions
    from auditor.ingest.jsonfile import record_to_article
    from auditor.ingest.textfile import parse
    from auditor.model import Article
    given = {k: v for k, v in (("outlet", outlet), ("url", url), ("published", published))
             if v is not None}
    if title is not None:
        art = record_to_article({"title": title, "text": text, **given}, name, id or name,
                                IngestOptions(), 1)        # a .json file's one record
        given = {}
    else:
        art = next((a for a in parse(text, name, id or name) if isinstance(a, Article)), None)
        if art is None:
            raise ValueError(f"the text reader makes no article of {text!r}")
    if meta:
        given["meta"] = {**art.meta, **meta}
    return dataclasses.replace(art, **given) if given else art


@pytest.fixture(name="make_article")
def make_article_fixture():
    """``make_article(text, name="t.txt", *, id=, title=, outlet=, url=, published=, meta=)``."""
    return make_article


IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require(what: str, found: bool, install: str) -> None:
    """Stop the test (called in a fixture or a test) when ``what`` is missing: under CI=true it
    fails, since CI installs everything the tests need (.ci/run) and a skip would hide a test
    that never ran; elsewhere it skips, saying how to install what is missing."""
    if found:
        return
    if IN_CI:
        pytest.fail(f"{what} is missing under CI=true: {install} (.ci/run installs it)",
                    pytrace=False)
    pytest.skip(f"{what} is not installed: {install} (under CI=true this fails)")


def require_program(program: str, install: str) -> str:
    """The path of ``program`` (a name on PATH or a path), else ``require``'s stop."""
    path = shutil.which(program)
    require(program, path is not None, install)
    return path


def require_module(module: str, install: str) -> None:
    """``require`` for a Python package the tests import (from an extra such as [test])."""
    require(f"the Python package {module}", importlib.util.find_spec(module) is not None, install)


def run_cli(*args, cwd=None, input=None, env=None):
    """Run the installed CLI as a user would; returns CompletedProcess."""
    e = dict(os.environ)
    e.pop("CI", None) if env is None else None
    if env:
        e.update(env)
    return subprocess.run([sys.executable, "-m", "auditor", *args], cwd=cwd or ROOT,
                          input=input, capture_output=True, text=True, env=e, timeout=600)


def spooled_result(n: int, per_article: int):
    """An AuditResult of n articles with ``per_article`` findings each, held in the
    pipeline's spools (``SpooledList``, ``FindingStore``)."""
    from auditor.model import AuditResult, Finding, Severity
    from auditor.spool import FindingStore, SpooledList
    records, store = SpooledList(), FindingStore()
    for i in range(n):
        aid = f"feed/{i:04d}.txt"
        records.append({"id": aid, "path": aid, "title": f"Story {i}", "outlet": "Herald",
                        "published": {"value": "2025-05-01", "provenance": "metadata"}})
        store.add(aid, [Finding("duplicate.line", Severity.INFO, aid, k + 1, 1, 10 * k, 10 * k + 4,
                                "text", f"Finding {k}.") for k in range(per_article)])
    return AuditResult({"name": "auditor", "version": "0"}, records, store, [], [])


def watch_findings(monkeypatch):
    """Watch every finding a ``FindingStore`` hands out (``for_articles`` or iteration) until
    it is freed. Returns an object whose ``peak`` is the most findings alive when the next
    batch or the next finding was asked for, and ``asked`` the sizes of the batches asked."""
    from types import SimpleNamespace

    from auditor.model import Finding
    from auditor.spool import FindingStore
    state = SimpleNamespace(peak=0, asked=[])
    alive: set[int] = set()         # ids of the findings handed out and not yet freed
    for_articles, iterate = FindingStore.for_articles, FindingStore.__iter__

    def spy(self, lo, hi):
        state.peak = max(state.peak, len(alive))
        state.asked.append(hi - lo)
        got = for_articles(self, lo, hi)
        alive.update(id(f) for found in got for f in found)
        return got

    def watched(self):
        for f in iterate(self):
            state.peak = max(state.peak, len(alive))
            alive.add(id(f))
            yield f
    monkeypatch.setattr(Finding, "__del__", lambda self: alive.discard(id(self)), raising=False)
    monkeypatch.setattr(FindingStore, "for_articles", spy)
    monkeypatch.setattr(FindingStore, "__iter__", watched)
    return state
