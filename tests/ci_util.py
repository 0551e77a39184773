"""Helpers shared by the CI tests (check command, formats, config, baseline, suppression)."""
from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from auditor.cli import main

CI_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ci"
SARIF_SCHEMA = CI_FIXTURES / "sarif-schema-2.1.0.json"


def corpus(tmp_path: Path, *names: str) -> Path:
    """A folder ``articles/`` under tmp_path holding the named fixtures."""
    folder = tmp_path / "articles"
    folder.mkdir(exist_ok=True)
    for n in names:
        shutil.copy(CI_FIXTURES / n, folder / n)
    return folder


def check(*args: str, cwd: Path | None = None, input: str | None = None):
    """Run `auditor check -j 1 ARGS` in-process (in ``cwd``); returns click's Result."""
    import os
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, ["check", "-j", "1", *args], input=input,
                                  catch_exceptions=False)
    finally:
        os.chdir(old)


def cli(*args: str, cwd: Path | None = None):
    import os
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
