import json
import os
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
    from auditor.rules import load_ruleset
    return load_ruleset()


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
