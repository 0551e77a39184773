"""Configuration: discovery upward, precedence, validation, thresholds, `auditor config`."""
import json

import pytest

from ci_util import check, cli, corpus

from auditor.gate.config import ConfigError, apply_to_ruleset, find_config, load_config
from auditor.rules import load_ruleset


def test_found_from_the_working_directory_upward(tmp_path):
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    assert find_config(str(sub)) is None
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")          # no [tool.auditor]
    assert find_config(str(sub)) is None
    (tmp_path / "pyproject.toml").write_text("[tool.auditor]\nfail-on = 'warning'\n")
    assert find_config(str(sub)) == str(tmp_path / "pyproject.toml")
    (tmp_path / "a" / "auditor.toml").write_text("fail-on = 'info'\n")
    assert find_config(str(sub)) == str(tmp_path / "a" / "auditor.toml")
    (tmp_path / "a" / "b" / "pyproject.toml").write_text("[tool.black]\nline-length = 99\n")
    assert find_config(str(sub)) == str(tmp_path / "a" / "auditor.toml")
    cfg = load_config(start=str(sub))
    assert cfg["fail_on"] == "info" and cfg.sources["fail_on"] == str(tmp_path / "a" / "auditor.toml")
    assert cfg.sources["format"] == "default"


def test_pyproject_table_and_paths_relative_to_the_file(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.auditor]\nrules = ['house-rules']\nbaseline = 'ci/baseline.json'\n"
        "fail_on = 'warning'\nreports = ['sarif=out/a.sarif']\n")
    sub = tmp_path / "articles"
    sub.mkdir()
    monkeypatch.chdir(sub)
    cfg = load_config()
    assert cfg["rules"] == [str(tmp_path / "house-rules")]
    assert cfg["baseline"] == str(tmp_path / "ci" / "baseline.json")
    assert cfg["reports"] == {"sarif": str(tmp_path / "out" / "a.sarif")}
    assert cfg.sources["fail_on"].endswith("pyproject.toml [tool.auditor]")
    monkeypatch.chdir(tmp_path)
    assert load_config()["baseline"] == "ci/baseline.json"            # relative when below the cwd


@pytest.mark.parametrize("text, message", [
    ("fail-on = 'sometimes'", "fail_on"),
    ("jobs = 0", "jobs"),
    ("disable = ['Not A Rule']", "disable"),
    ("severity = {'duplicate.line' = 'fatal'}", "severity"),
    ("reports = {pdf = 'x.pdf'}", "reports"),
    ("colour = 'red'", "unknown key(s) 'colour'"),
    ("fail-on = 'error'\nfail_on = 'info'", "given twice"),
])
def test_invalid_values_are_reported(tmp_path, text, message):
    (tmp_path / "auditor.toml").write_text(text + "\n")
    with pytest.raises(ConfigError) as e:
        load_config(start=str(tmp_path))
    assert message in str(e.value) and "auditor.toml" in str(e.value)


def test_thresholds_merge_into_pack_settings_and_are_validated(tmp_path):
    (tmp_path / "auditor.toml").write_text("[thresholds.duplicates]\nline_similarity = 80\n")
    ruleset = load_ruleset()
    before = dict(ruleset.settings("duplicates"))
    apply_to_ruleset(load_config(start=str(tmp_path)), ruleset)
    after = ruleset.settings("duplicates")
    assert after["line_similarity"] == 80
    assert {k: v for k, v in after.items() if k != "line_similarity"} == \
        {k: v for k, v in before.items() if k != "line_similarity"}
    (tmp_path / "auditor.toml").write_text("[thresholds.no-such-kind]\nx = 1\n")
    with pytest.raises(ConfigError, match="no rule pack of kind 'no-such-kind'"):
        apply_to_ruleset(load_config(start=str(tmp_path)), load_ruleset())


def test_severity_and_disable_reach_the_ruleset(tmp_path):
    (tmp_path / "auditor.toml").write_text(
        "disable = ['headline.*', 'duplicate.line']\nenable = ['duplicate.line']\n"
        "[severity]\n'duplicate.*' = 'error'\n")
    ruleset = load_ruleset()
    apply_to_ruleset(load_config(start=str(tmp_path)), ruleset)
    assert not ruleset.rule_enabled("headline.sensational")
    assert ruleset.rule_enabled("duplicate.line")
    assert ruleset.severity_overrides["duplicate.*"] == "error"
    # an enabled rule id is kept on even when its family is disabled; '*' switches everything off
    (tmp_path / "auditor.toml").write_text("disable = ['headline.*', '*']\nenable = ['headline.sensational']\n")
    ruleset = load_ruleset()
    apply_to_ruleset(load_config(start=str(tmp_path)), ruleset)
    assert ruleset.rule_enabled("headline.sensational")
    assert not ruleset.rule_enabled("headline.other") and not ruleset.rule_enabled("duplicate.line")


def test_command_line_overrides_the_file(tmp_path):
    arts = corpus(tmp_path, "repeated.txt")
    (tmp_path / "auditor.toml").write_text("fail-on = 'warning'\nformat = 'github'\n")
    res = check(str(arts), cwd=tmp_path)
    assert res.exit_code == 1 and res.stdout.startswith("::group::")
    res = check(str(arts), "--fail-on", "error", "--format", "text", cwd=tmp_path)
    assert res.exit_code == 0 and "duplicate.line" in res.stdout


def test_include_exclude_and_reports_from_the_file(tmp_path):
    arts = corpus(tmp_path, "repeated.txt", "clean.txt")
    (tmp_path / "auditor.toml").write_text(
        "exclude = ['repeated.txt']\n[reports]\njson = 'out/report.json'\n")
    res = check(str(arts), cwd=tmp_path)
    assert res.exit_code == 0, res.output
    assert "repeated.txt" not in res.stdout
    data = json.loads((tmp_path / "out" / "report.json").read_text())
    assert [a["path"] for a in data["articles"]] == [str(arts / "clean.txt")]


def test_config_command_prints_values_and_sources(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.auditor]\nfail-on = 'warning'\nexclude = ['drafts/*']\n")
    res = cli("config", cwd=tmp_path)
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[0] == f"# configuration file: {tmp_path / 'pyproject.toml'}"
    assert f'fail-on = "warning"  # {tmp_path / "pyproject.toml"} [tool.auditor]' in lines
    assert 'exclude = ["drafts/*"]' in res.stdout
    assert 'format = "text"  # default' in lines
    data = json.loads(cli("config", "--json", cwd=tmp_path).stdout)
    assert data["values"]["fail_on"] == {"value": "warning",
                                         "source": f"{tmp_path / 'pyproject.toml'} [tool.auditor]"}
    (tmp_path / "pyproject.toml").write_text("[tool.auditor]\nfail-on = 3\n")
    bad = cli("config", cwd=tmp_path)
    assert bad.exit_code == 2 and "configuration error" in bad.stderr


def test_config_option_names_a_file(tmp_path):
    other = tmp_path / "ci.toml"
    other.write_text("min-severity = 'error'\n")
    res = cli("config", "--config", str(other), cwd=tmp_path)
    assert 'min-severity = "error"  # ' + str(other) in res.stdout
