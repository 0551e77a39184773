"""Inline suppression: whole-article and next-line comments, the JSON field, unused ones reported."""
import json

from ci_util import check, corpus
from conftest import validate_report

from auditor.ingest.markers import parse_marker

REPEATED = "The city council approved a budget of two million euros for parks on Tuesday evening."
OTHER = "Officials said the money would be spent over three years on paths, trees and playgrounds."


def article(*lines: str) -> str:
    return "\n\n".join(lines) + "\n"


def run(tmp_path, *args):
    res = check(*args, "--format", "json", cwd=tmp_path)
    data = json.loads(res.stdout)
    validate_report(data)
    return res.exit_code, data


def findings(data, rule, article_id=None):
    return [f for f in data["findings"] if f["rule"] == rule and (article_id is None or f["article"] == article_id)]


def test_parse_marker():
    assert parse_marker("<!-- auditor-disable duplicate.line -- quoted on purpose -->") == {
        "scope": "article", "rules": ["duplicate.line"], "reason": "quoted on purpose", "bad": []}
    d = parse_marker("<!--auditor-disable-next-line duplicate.line, headline.* -->")
    assert d["scope"] == "next-line" and d["rules"] == ["duplicate.line", "headline.*"] and d["reason"] is None
    assert parse_marker("<!-- auditor-disable -->")["rules"] == ["*"]
    assert parse_marker("<!-- a comment about auditor-disable -->") is None
    assert parse_marker("Some text <!-- auditor-disable x.y -->") is None
    assert parse_marker("<!-- auditor-disable Bad_Rule -->")["bad"] == ["Bad_Rule"]


def test_whole_article_in_markdown_even_before_the_headline(tmp_path):
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "a.md").write_text(article(
        "<!-- auditor-disable duplicate.line -- the refrain is quoted twice on purpose -->",
        "Council approves new budget for city parks", REPEATED, OTHER, REPEATED))
    code, data = run(tmp_path, str(arts), "--fail-on", "warning")
    (f,) = findings(data, "duplicate.line")
    assert f["suppressed"] is True
    assert f["suppression"] == {"kind": "inline", "reason": "the refrain is quoted twice on purpose", "line": 1}
    assert data["articles"][0]["title"] == "Council approves new budget for city parks"
    assert data["suppressions"] == [{"article": "a.md", "path": str(arts / "a.md"), "rules": ["duplicate.line"],
                                     "scope": "article", "line": 1,
                                     "reason": "the refrain is quoted twice on purpose", "used": 1}]
    assert findings(data, "suppression.unused") == []
    assert not [f for f in data["findings"] if f["line"] == 1 and not f.get("suppressed")
                and f["rule"].startswith("headline.")]   # the marker is not taken as the headline
    assert "_suppress" not in data["articles"][0]
    assert data["summary"]["suppressed"] >= 1


def test_next_line_and_unused(tmp_path):
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "a.txt").write_text(article(
        "Council approves new budget for city parks", REPEATED,
        "<!-- auditor-disable-next-line headline.sensational -- nothing to hide here -->", OTHER,
        "<!-- auditor-disable-next-line duplicate.line -->", REPEATED))
    code, data = run(tmp_path, str(arts))
    (f,) = findings(data, "duplicate.line")
    assert f["line"] == 11 and f["suppressed"] is True and f["suppression"]["line"] == 9
    (unused,) = findings(data, "suppression.unused")
    assert unused["line"] == 5 and unused["severity"] == "warning" and not unused.get("suppressed")
    assert "headline.sensational" in unused["message"] and "silenced nothing" in unused["message"]
    assert unused["text"].startswith("<!-- auditor-disable-next-line headline.sensational")
    used = {s["line"]: s["used"] for s in data["suppressions"]}
    assert used == {5: 0, 9: 1}
    # the unused suppression is a warning: it fails a check at --fail-on warning
    assert check(str(arts), "--fail-on", "warning", cwd=tmp_path).exit_code == 1


def test_next_line_only_covers_the_next_line(tmp_path):
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "a.txt").write_text(article(
        "Council approves new budget for city parks", REPEATED,
        "<!-- auditor-disable-next-line duplicate.line -->", OTHER, REPEATED))
    code, data = run(tmp_path, str(arts))
    (f,) = findings(data, "duplicate.line")
    assert not f.get("suppressed") and f["line"] == 9
    assert [u["line"] for u in findings(data, "suppression.unused")] == [5]


def test_marker_lines_are_not_flagged_themselves(tmp_path):
    arts = tmp_path / "articles"
    arts.mkdir()
    marker = "<!-- auditor-disable-next-line duplicate.line -- repeated on purpose in the original -->"
    (arts / "a.md").write_text(article(
        "Council approves new budget for city parks", marker, REPEATED, OTHER, marker, REPEATED,
        "Residents welcomed the plan at a meeting in the town hall.", marker, REPEATED))
    code, data = run(tmp_path, str(arts), "--fail-on", "warning")
    dup = findings(data, "duplicate.line")
    assert [f["line"] for f in dup] == [11, 17]            # the marker lines (3, 9, 15) are not repeats
    assert all(f["suppressed"] for f in dup)
    assert [s["used"] for s in data["suppressions"]] == [0, 1, 1]   # nothing to hide on the first


def test_json_field(tmp_path):
    arts = tmp_path / "articles"
    arts.mkdir()
    recs = [
        {"id": "r1", "title": "Council approves new budget for city parks",
         "text": "\n\n".join([REPEATED, OTHER, REPEATED]),
         "auditor_suppress": [{"rule": "duplicate.line", "reason": "a refrain"}]},
        {"id": "r2", "title": "Library opens on Sundays",
         "text": "\n\n".join([REPEATED, OTHER, REPEATED]), "auditor_suppress": "duplicate.*"},
        {"id": "r3", "title": "Ferry service resumes", "text": "The ferry runs again from Monday.",
         "auditor_suppress": ["headline.sensational"]},
        {"id": "r4", "title": "Markets close higher", "text": "\n\n".join([REPEATED, OTHER, REPEATED])},
    ]
    (arts / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    code, data = run(tmp_path, str(arts))
    by_article = {f["article"]: f for f in findings(data, "duplicate.line")}
    assert by_article["r1"]["suppressed"] and by_article["r1"]["suppression"]["reason"] == "a refrain"
    assert by_article["r2"]["suppressed"]
    assert not by_article["r4"].get("suppressed")
    (unused,) = findings(data, "suppression.unused")
    assert unused["article"] == "r3" and "auditor_suppress field" in unused["message"]


def test_invalid_rule_id_is_reported(tmp_path):
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "a.md").write_text(article("Council approves new budget for city parks",
                                       "<!-- auditor-disable Duplicate_Line -->", OTHER))
    code, data = run(tmp_path, str(arts))
    (bad,) = findings(data, "suppression.invalid")
    assert "'Duplicate_Line'" in bad["message"] and bad["line"] == 3


def test_same_result_with_a_process_pool(tmp_path):
    arts = corpus(tmp_path, "clean.txt")
    for i in range(4):
        (arts / f"s{i}.md").write_text(article(
            f"Council approves budget number {i}", "<!-- auditor-disable duplicate.line -->",
            REPEATED, OTHER, REPEATED, "<!-- auditor-disable-next-line headline.sensational -->", OTHER + " Again."))
    one = check(str(arts), "--format", "json", cwd=tmp_path).stdout
    from click.testing import CliRunner

    from auditor.cli import main
    import os
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        two = CliRunner().invoke(main, ["check", "-j", "2", str(arts), "--format", "json"]).stdout
    finally:
        os.chdir(old)
    a, b = json.loads(one), json.loads(two)
    assert a["findings"] == b["findings"] and a["suppressions"] == b["suppressions"]
    assert len(a["suppressions"]) == 8
