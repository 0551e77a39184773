"""--since GIT_REF: only articles added or changed since the ref are reported, all are compared."""
import json
import shutil
import subprocess

import pytest

from ci_util import CI_FIXTURES, check

from auditor.gate.incoming import GitError, changed_files

def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                        "HOME": str(repo), "PATH": "/usr/bin:/bin:/usr/local/bin"})


@pytest.fixture
def repo(tmp_path):
    r = tmp_path / "repo"
    (r / "articles").mkdir(parents=True)
    git(r, "init", "-q", "-b", "main")
    shutil.copy(CI_FIXTURES / "repeated.txt", r / "articles" / "old-repeated.txt")
    shutil.copy(CI_FIXTURES / "clean.txt", r / "articles" / "old-clean.txt")
    git(r, "add", ".")
    git(r, "commit", "-q", "-m", "first articles")
    return r


def test_only_changed_articles_are_reported(repo):
    assert check("articles", "--since", "HEAD", "--fail-on", "warning", cwd=repo).exit_code == 0
    # a new article on a branch, committed, and an untracked one
    git(repo, "checkout", "-q", "-b", "incoming")
    shutil.copy(CI_FIXTURES / "clean.txt", repo / "articles" / "new-clean.txt")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "new article")
    (repo / "articles" / "draft.txt").write_text((CI_FIXTURES / "repeated.txt").read_text().replace(
        "parks", "schools"))
    res = check("articles", "--since", "main", "--format", "json", cwd=repo)
    data = json.loads(res.stdout)
    assert sorted(a["id"] for a in data["articles"]) == ["draft.txt", "new-clean.txt"]
    assert {f["article"] for f in data["findings"]} <= {"draft.txt", "new-clean.txt"}
    assert any(f["rule"] == "duplicate.line" and f["article"] == "draft.txt" for f in data["findings"])
    text = check("articles", "--since", "main", cwd=repo)
    assert "Incoming: 2 of 4 articles changed since the ref." in text.stdout   # all 4 were read
    assert "old-repeated.txt" not in text.stdout
    assert check("articles", "--since", "main", "--fail-on", "warning", cwd=repo).exit_code == 1
    # a modified old article counts as changed
    (repo / "articles" / "draft.txt").unlink()
    with open(repo / "articles" / "old-clean.txt", "a") as fh:
        fh.write("\nA correction was added later.\n")
    data = json.loads(check("articles", "--since", "main", "--format", "json", cwd=repo).stdout)
    assert sorted(a["id"] for a in data["articles"]) == ["new-clean.txt", "old-clean.txt"]


def test_bad_ref_or_no_repository_exits_2(repo, tmp_path):
    res = check("articles", "--since", "no-such-ref", cwd=repo)
    assert res.exit_code == 2 and "--since no-such-ref" in res.stderr
    outside = tmp_path / "plain"
    outside.mkdir()
    (outside / "a.txt").write_text((CI_FIXTURES / "clean.txt").read_text())
    res = check("a.txt", "--since", "HEAD", cwd=outside)
    assert res.exit_code == 2


def test_changed_files_are_real_paths(repo):
    (repo / "articles" / "x.txt").write_text("Something new\n\nA line of text.\n")
    assert changed_files("HEAD", cwd=str(repo)) == {str((repo / "articles" / "x.txt").resolve())}
    with pytest.raises(GitError):
        changed_files("nope", cwd=str(repo))
