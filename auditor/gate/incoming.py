"""Incoming articles only: the files added or changed since a git ref.

The whole corpus is still read and analysed (so new articles are compared with
the rest of it and with the archive); only the findings, articles, clusters
and errors of changed files are kept for reporting and for the exit code.
"""
from __future__ import annotations

import dataclasses
import os
import subprocess

from ..model import AuditResult


class GitError(Exception):
    """git is missing, this is not a repository, or the ref is unknown (exit code 2)."""


def _git(args: list[str], cwd: str | None = None) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GitError("--since needs git, which is not installed") from None
    if out.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {out.stderr.strip() or 'failed'}")
    return out.stdout


def changed_files(ref: str, cwd: str | None = None) -> set[str]:
    """Absolute real paths of files added, copied, modified or renamed since ``ref``.

    Compared with the merge base of ``ref`` and HEAD (what a pull request
    adds), including uncommitted and untracked files of the working tree.
    """
    top = _git(["rev-parse", "--show-toplevel"], cwd).strip()
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    try:
        base = _git(["merge-base", ref, "HEAD"], cwd).strip()
    except GitError:
        base = ref
    names = _git(["diff", "--name-only", "-z", "--no-renames", "--diff-filter=ACMRT", base, "--"], top)
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard"], top)
    out = set()
    for name in (names + untracked).split("\0"):
        if name:
            out.add(os.path.realpath(os.path.join(top, name)))
    return out


def _real(path: str) -> str:
    return os.path.realpath(os.path.abspath(path))


def restrict(result: AuditResult, changed: set[str]) -> AuditResult:
    """The result narrowed to articles (and errors) from changed files."""
    keep = {a["id"] for a in result.articles if _real(a["path"]) in changed}
    clusters = [c for c in result.clusters if any(m.get("article") in keep for m in c.members)]
    sup = None if result.suppressions is None else [s for s in result.suppressions
                                                    if s.get("article") in keep]
    narrowed = dataclasses.replace(
        result,
        articles=[a for a in result.articles if a["id"] in keep],
        findings=[f for f in result.findings if f.article in keep],
        clusters=clusters,
        errors=[e for e in result.errors if _real(e.path) in changed],
        suppressions=sup,
        options={**result.options, "since": {"articles": len(keep), "of": len(result.articles)}},
    )
    return narrowed
