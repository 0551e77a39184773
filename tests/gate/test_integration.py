"""The integration files work as documented: pre-commit hooks and the GitHub Actions example."""
import json
import shlex
import shutil
import subprocess

import yaml

from ci_util import CI_FIXTURES, check
from conftest import ROOT


def test_pre_commit_hooks_are_well_formed():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    ids = {h["id"]: h for h in hooks}
    assert set(ids) == {"auditor-check", "auditor-check-incoming"}
    for h in hooks:
        assert {"id", "name", "entry", "language"} <= set(h)
        assert h["entry"].startswith("auditor check") and h["language"] == "python"
    assert ids["auditor-check-incoming"]["pass_filenames"] is False
    assert "--since HEAD" in ids["auditor-check-incoming"]["entry"]


def _workflow_command(step_name: str, articles: str, base: str) -> list[str]:
    wf = yaml.safe_load((ROOT / "docs" / "github-actions-example.yml").read_text())
    steps = wf["jobs"]["audit"]["steps"]
    step = next(s for s in steps if s.get("name") == step_name)
    cmd = step["run"].replace("$ARTICLES", articles).replace("${{ github.base_ref }}", base)
    return shlex.split(cmd)


def test_github_workflow_uploads_sarif_and_annotates():
    wf = yaml.safe_load((ROOT / "docs" / "github-actions-example.yml").read_text())
    steps = wf["jobs"]["audit"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == "auditor.sarif" and "always()" in upload["if"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert wf["permissions"]["security-events"] == "write"


def test_the_workflow_command_runs_in_a_repository(tmp_path):
    """The pull-request step of the example, run as the runner would, in a throwaway repository."""
    repo = tmp_path / "repo"
    (repo / "articles").mkdir(parents=True)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def git(*args):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)

    shutil.copy(CI_FIXTURES / "clean.txt", repo / "articles" / "clean.txt")
    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-q", "-m", "base")
    git("update-ref", "refs/remotes/origin/main", "main")     # what actions/checkout fetches
    git("checkout", "-q", "-b", "pr")
    shutil.copy(CI_FIXTURES / "repeated.txt", repo / "articles" / "new.txt")
    git("add", ".")
    git("commit", "-q", "-m", "new article")
    (repo / "auditor.toml").write_text("fail-on = 'warning'\n")
    argv = _workflow_command("Check incoming articles (pull request)", "articles/", "main")
    assert argv[:2] == ["auditor", "check"]
    res = check(*argv[2:], cwd=repo)
    assert res.exit_code == 1                      # the new article repeats a line: a warning
    assert "::warning file=articles/new.txt" in res.stdout
    sarif = json.loads((repo / "auditor.sarif").read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"]}
    assert uris == {"articles/new.txt"}
    assert (repo / "auditor-junit.xml").exists() and (repo / "auditor-report" / "index.html").exists()
