"""SARIF 2.1.0 output, validated against the official OASIS schema (copied into tests/fixtures/ci)."""
import json

import jsonschema
import pytest

from ci_util import SARIF_SCHEMA, check, corpus


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads(SARIF_SCHEMA.read_text())
    return jsonschema.Draft4Validator(schema)


def sarif_of(tmp_path, *args):
    out = tmp_path / "out.sarif"
    res = check(*args, "--format", "sarif", "--output-file", str(out), cwd=tmp_path)
    assert res.exit_code in (0, 1), res.output
    return json.loads(out.read_text())


def test_valid_against_official_schema(tmp_path, sarif_validator):
    arts = corpus(tmp_path, "repeated.txt", "clean.txt")
    (arts / "bad.txt").write_bytes(b"\x00binary")
    data = sarif_of(tmp_path, str(arts))
    sarif_validator.validate(data)
    assert data["version"] == "2.1.0"
    run = data["runs"][0]
    assert run["tool"]["driver"]["name"] == "auditor"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("bad.txt" in n["message"]["text"] and n["level"] == "error" for n in notes)


def test_rules_results_regions_and_relative_uris(tmp_path, sarif_validator):
    arts = corpus(tmp_path, "repeated.txt")
    data = sarif_of(tmp_path, "articles")
    sarif_validator.validate(data)
    run = data["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    (res,) = [r for r in run["results"] if r["ruleId"] == "duplicate.line"]
    rule = rules[res["ruleIndex"]]
    assert rule["id"] == "duplicate.line"
    assert rule["shortDescription"]["text"] and rule["help"]["text"] and rule["fullDescription"]["text"]
    assert res["level"] == "warning"
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "articles/repeated.txt", "uriBaseId": "%SRCROOT%"}
    line = "The city council approved a budget of two million euros for parks on Tuesday evening."
    assert loc["region"]["startLine"] == 7 and loc["region"]["endLine"] == 7
    assert loc["region"]["startColumn"] == 1
    assert loc["region"]["endColumn"] == len(line) + 1          # exclusive, as SARIF defines it
    assert loc["region"]["snippet"]["text"] == line
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file://")
    assert all(not r["id"].startswith("/") for r in rules)


def test_fingerprints_survive_inserted_lines(tmp_path):
    arts = corpus(tmp_path, "repeated.txt")
    def dup(data):
        return [r for r in data["runs"][0]["results"] if r["ruleId"] == "duplicate.line"]
    before = dup(sarif_of(tmp_path, str(arts)))
    text = (arts / "repeated.txt").read_text()
    head, rest = text.split("\n", 1)
    (arts / "repeated.txt").write_text(head + "\n\nA new first paragraph was added.\n\nAnd another one.\n" + rest)
    after = dup(sarif_of(tmp_path, str(arts)))
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in before] == [7]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] == [11]
    assert before[0]["partialFingerprints"] == after[0]["partialFingerprints"]
    # a different repeated line gives a different fingerprint
    (arts / "repeated.txt").write_text(text.replace("two million", "three million"))
    other = dup(sarif_of(tmp_path, str(arts)))
    assert other[0]["partialFingerprints"] != before[0]["partialFingerprints"]


def test_suppressed_findings_stay_marked(tmp_path, sarif_validator):
    arts = corpus(tmp_path, "repeated.txt", "clean.txt")
    base = tmp_path / "baseline.json"
    assert check(str(arts), "--write-baseline", str(base), cwd=tmp_path).exit_code == 0
    (arts / "inline.md").write_text(
        "Ferry service resumes after storm\n\n"
        "<!-- auditor-disable duplicate.line -- the quote is repeated on purpose -->\n\n"
        "The ferry between the islands runs again from Monday, the operator said.\n\n"
        "The ferry between the islands runs again from Monday, the operator said.\n")
    data = sarif_of(tmp_path, str(arts), "--baseline", str(base))
    sarif_validator.validate(data)
    results = [r for r in data["runs"][0]["results"] if r["ruleId"] == "duplicate.line"]
    kinds = sorted(r["suppressions"][0]["kind"] for r in results)
    assert kinds == ["external", "inSource"]
    inline = next(r for r in results if r["suppressions"][0]["kind"] == "inSource")
    assert inline["suppressions"][0]["justification"] == "the quote is repeated on purpose"


def test_rule_help_comes_from_the_declarations():
    from auditor.checks import declarations
    from auditor.output._ci import rule_help
    for r in declarations.rules():
        h = rule_help(r.id)
        want = (r.name, r.help, r.explain, r.family)
        assert (h["name"], h["short"], h["help"], h["family"]) == want
        assert declarations.family(r.family) is not None, r.id
    h = rule_help("nosuchfamily.rule")          # unknown rules still get usable metadata
    assert h["short"] and h["help"] and h["name"] == "NosuchfamilyRule"
