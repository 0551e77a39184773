"""`auditor check`: every exit-code path, formats on stdout and in files, --report, --min-severity."""
import json
import re

from ci_util import check, corpus
from conftest import run_cli, validate_report

from auditor.output import FORMATS


def test_passes_with_only_warnings_by_default(tmp_path):
    arts = corpus(tmp_path, "repeated.txt", "clean.txt")
    res = check(str(arts), cwd=tmp_path)
    assert res.exit_code == 0, res.output
    assert "duplicate.line" in res.stdout            # shown, but below the fail level
    assert "Check passed (fail-on error)" in res.stdout


def test_fails_on_warning_and_never(tmp_path):
    arts = corpus(tmp_path, "repeated.txt", "clean.txt")
    res = check(str(arts), "--fail-on", "warning", cwd=tmp_path)
    assert res.exit_code == 1
    assert re.search(r"Check failed: [1-9][0-9]* finding\(s\) at or above warning", res.stdout)
    assert check(str(arts), "--fail-on", "never", cwd=tmp_path).exit_code == 0


def test_error_severity_fails_by_default(tmp_path):
    arts = corpus(tmp_path, "repeated.txt")
    (tmp_path / "auditor.toml").write_text('[severity]\n"duplicate.line" = "error"\n')
    res = check(str(arts), cwd=tmp_path)
    assert res.exit_code == 1
    assert "error duplicate.line" in res.stdout


def test_usage_errors_exit_2(tmp_path):
    arts = corpus(tmp_path, "clean.txt")
    assert check(str(arts), "--fail-on", "sometimes", cwd=tmp_path).exit_code == 2
    assert check(str(arts), "--format", "pdf", cwd=tmp_path).exit_code == 2
    res = check(str(arts), "--report", "pdf=out.pdf", cwd=tmp_path)
    assert res.exit_code == 2 and "unknown format 'pdf'" in res.stderr
    res = check(str(arts), "--report", "sarif", cwd=tmp_path)
    assert res.exit_code == 2 and "FORMAT=PATH" in res.stderr
    assert check(cwd=tmp_path).exit_code == 2                          # no PATH


def test_bad_config_exits_2(tmp_path):
    arts = corpus(tmp_path, "clean.txt")
    (tmp_path / "auditor.toml").write_text("fail-on = 'sometimes'\n")
    res = check(str(arts), cwd=tmp_path)
    assert res.exit_code == 2 and "configuration error" in res.stderr and "fail_on" in res.stderr
    (tmp_path / "auditor.toml").write_text("fail-on = [unclosed\n")
    res = check(str(arts), cwd=tmp_path)
    assert res.exit_code == 2 and "invalid TOML" in res.stderr
    (tmp_path / "auditor.toml").write_text("colour = 'red'\n")
    res = check(str(arts), cwd=tmp_path)
    assert res.exit_code == 2 and "unknown key(s) 'colour'" in res.stderr
    res = check(str(arts), "--config", str(tmp_path / "missing.toml"), cwd=tmp_path)
    assert res.exit_code == 2 and "not found" in res.stderr


def test_bad_rule_pack_exits_2(tmp_path):
    arts = corpus(tmp_path, "clean.txt")
    rules = tmp_path / "my-rules"
    rules.mkdir()
    (rules / "broken.yaml").write_text("kind: duplicates\nversion: 1\nentries:\n  - id: x\n    pattern: '(['\n")
    res = check(str(arts), "--rules", str(rules), cwd=tmp_path)
    assert res.exit_code == 2
    assert "rule pack error" in res.stderr and "broken.yaml" in res.stderr
    # the same pack named in the configuration
    (tmp_path / "auditor.toml").write_text('rules = ["my-rules"]\n')
    assert check(str(arts), cwd=tmp_path).exit_code == 2


def test_unreadable_input_fails_unless_allowed(tmp_path):
    arts = corpus(tmp_path, "clean.txt")
    (arts / "broken.txt").write_bytes(b"\x00\x01binary")
    res = check(str(arts), cwd=tmp_path)
    assert res.exit_code == 1
    assert "Unreadable inputs:" in res.stdout and "broken.txt" in res.stdout
    assert "1 unreadable input(s)" in res.stdout
    res = check(str(arts), "--format", "json", cwd=tmp_path)
    assert res.exit_code == 1 and "cannot read" in res.stderr and "broken.txt" in res.stderr
    res = check(str(arts), "--allow-unreadable", cwd=tmp_path)
    assert res.exit_code == 0
    # a path that does not exist is unreadable too
    assert check(str(tmp_path / "nope.txt"), cwd=tmp_path).exit_code == 1
    assert check(str(tmp_path / "nope.txt"), "--allow-unreadable", cwd=tmp_path).exit_code == 0
    # the configuration can allow it as well
    (tmp_path / "auditor.toml").write_text("allow-unreadable = true\n")
    assert check(str(arts), cwd=tmp_path).exit_code == 0


def test_output_files_do_not_change_exit_code(tmp_path):
    arts = corpus(tmp_path, "repeated.txt", "clean.txt")
    for fail_on, expected in (("error", 0), ("warning", 1)):
        plain = check(str(arts), "--fail-on", fail_on, cwd=tmp_path).exit_code
        out = tmp_path / f"out-{fail_on}.sarif"
        res = check(str(arts), "--fail-on", fail_on, "--format", "sarif", "--output-file", str(out),
                    "--report", f"junit={tmp_path / 'j.xml'}", "--report", f"json={tmp_path / 'r.json'}",
                    "--report", f"html={tmp_path / 'html'}", cwd=tmp_path)
        assert plain == res.exit_code == expected
        assert json.loads(out.read_text())["version"] == "2.1.0"
        assert (tmp_path / "j.xml").read_text().startswith("<?xml")
        validate_report(json.loads((tmp_path / "r.json").read_text()))
        assert (tmp_path / "html" / "index.html").exists()
        assert res.stdout.startswith("Summary: 2 articles")       # stdout: the summary only


def test_unwritable_output_is_a_usage_error(tmp_path):
    arts = corpus(tmp_path, "clean.txt")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = check(str(arts), "--report", f"json={blocker / 'sub' / 'r.json'}", cwd=tmp_path)
    assert res.exit_code == 2 and "cannot write the json report" in res.stderr


def test_every_format_on_stdout(tmp_path):
    arts = corpus(tmp_path, "repeated.txt")
    for fmt in FORMATS:
        res = check(str(arts), "--format", fmt, cwd=tmp_path)
        assert res.exit_code == 0, (fmt, res.output)
        assert res.stdout.strip(), fmt
    data = json.loads(check(str(arts), "--format", "json", cwd=tmp_path).stdout)
    validate_report(data)
    f = next(f for f in data["findings"] if f["rule"] == "duplicate.line")
    assert (f["line"], f["end_line"], f["column"]) == (7, 7, 1)
    assert f["end_column"] == len("The city council approved a budget of two million euros for parks on "
                                  "Tuesday evening.")
    lines = [json.loads(x) for x in check(str(arts), "--format", "jsonl", cwd=tmp_path).stdout.splitlines()]
    assert {x["type"] for x in lines[:-1]} == {"finding"} and lines[-1]["type"] == "summary"
    dup = next(x for x in lines if x.get("rule") == "duplicate.line")
    assert dup["path"].endswith("repeated.txt") and dup["line"] == 7


def test_min_severity_hides_without_changing_the_code(tmp_path):
    arts = corpus(tmp_path, "repeated.txt")
    res = check(str(arts), "--min-severity", "error", "--fail-on", "warning", cwd=tmp_path)
    assert res.exit_code == 1
    assert "duplicate.line" not in res.stdout
    assert "below --min-severity error not shown" in res.stdout
    data = json.loads(check(str(arts), "--min-severity", "error", "--format", "json", cwd=tmp_path).stdout)
    assert all(f["severity"] == "error" for f in data["findings"])


def test_disable_on_the_command_line(tmp_path):
    arts = corpus(tmp_path, "repeated.txt")
    (tmp_path / "auditor.toml").write_text('[severity]\n"duplicate.line" = "error"\n')
    assert check(str(arts), cwd=tmp_path).exit_code == 1
    assert check(str(arts), "--disable", "duplicate.line", cwd=tmp_path).exit_code == 0
    res = check(str(arts), "--disable", "duplicate.*", cwd=tmp_path)
    assert res.exit_code == 0 and "duplicate." not in res.stdout
    (tmp_path / "auditor.toml").write_text('disable = ["duplicate.*"]\n[severity]\n"duplicate.line" = "error"\n')
    assert check(str(arts), cwd=tmp_path).exit_code == 0
    assert check(str(arts), "--enable", "duplicate.*", cwd=tmp_path).exit_code == 1


def test_installed_command_exit_codes(tmp_path):
    """The real entry point, as CI runs it."""
    arts = corpus(tmp_path, "repeated.txt", "clean.txt")
    ok = run_cli("check", "-j", "1", str(arts), cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    bad = run_cli("check", "-j", "1", "--fail-on", "warning", "--format", "github", str(arts), cwd=tmp_path)
    assert bad.returncode == 1
    assert bad.stdout.startswith("::group::")
    assert run_cli("check", "--bogus", str(arts), cwd=tmp_path).returncode == 2


def test_archive_is_compared_and_a_bad_one_exits_2(tmp_path):
    from ci_util import cli
    old = corpus(tmp_path, "repeated.txt", "clean.txt")
    db = tmp_path / "archive.sqlite"
    assert cli("archive", "add", str(db), str(old), cwd=tmp_path).exit_code == 0
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "copy.txt").write_text((old / "repeated.txt").read_text())
    res = check(str(incoming), "--archive", str(db), "--format", "json", cwd=tmp_path)
    rules = {f["rule"] for f in json.loads(res.stdout)["findings"]}
    assert "duplicate.archived" in rules
    (tmp_path / "auditor.toml").write_text("archive = 'archive.sqlite'\n")     # from the configuration
    res = check(str(incoming), "--format", "json", cwd=tmp_path)
    assert "duplicate.archived" in {f["rule"] for f in json.loads(res.stdout)["findings"]}
    res = check(str(incoming), "--archive", str(tmp_path / "none.sqlite"), cwd=tmp_path)
    assert res.exit_code == 2 and "archive" in res.stderr
