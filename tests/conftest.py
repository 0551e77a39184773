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
