"""Circular sourcing across articles: outlets that cite each other on the same story."""
import shutil

import pytest

from auditor.engine.pipeline import audit

from conftest import FIXTURES

FIX = FIXTURES / "attribution"


@pytest.fixture(scope="module")
def rs(ruleset):
    return ruleset


def circular(result):
    return [f for f in result.findings if f.rule == "attribution.circular"]


def test_two_outlets_citing_each_other_on_the_same_story(rs):
    res = audit([str(FIX / "loops")], rs)
    fs = sorted(circular(res), key=lambda f: f.article)
    assert [f.article for f in fs] == ["bloomberg.md", "reuters.md"]
    b, r = fs
    assert b.text == "Reuters" and r.text == "Bloomberg"          # where each cites the other
    assert b.related[0]["article"] == "reuters.md" and b.related[0]["text"] == "Bloomberg"
    assert b.evidence["scope"] == "corpus" and b.evidence["cycle"] == "Bloomberg -> Reuters -> Bloomberg"
    assert "Bloomberg cites Reuters here" in b.message


def test_no_loop_when_the_stories_are_weeks_apart(rs, tmp_path):
    shutil.copy(FIX / "loops" / "reuters.md", tmp_path)
    shutil.copy(FIX / "loops_late_bloomberg.md", tmp_path / "bloomberg.md")
    assert circular(audit([str(tmp_path)], rs)) == []


def test_no_loop_between_different_stories(rs, tmp_path):
    shutil.copy(FIX / "loops" / "reuters.md", tmp_path)
    (tmp_path / "bloomberg.md").write_text(
        "---\ntitle: Chip maker lifts forecast\noutlet: Bloomberg\npublished: 2024-05-21\n---\n"
        "Chip maker lifts forecast\n\nNvidia raised its sales forecast for the quarter, Reuters reported "
        "on Monday.\n\nShares of Nvidia rose in New York trading, Reuters said.\n")
    assert circular(audit([str(tmp_path)], rs)) == []


def test_three_outlet_ring(rs, tmp_path):
    for name in ("reuters.md", "bloomberg.md"):
        shutil.copy(FIX / "loops" / name, tmp_path)
    # Bloomberg now cites The Guardian, which cites Reuters: Reuters -> Bloomberg -> Guardian -> Reuters
    b = (tmp_path / "bloomberg.md").read_text().replace("Reuters", "The Guardian")
    (tmp_path / "bloomberg.md").write_text(b)
    (tmp_path / "guardian.md").write_text(
        "---\ntitle: Kharkiv on edge\noutlet: The Guardian\npublished: 2024-05-22\n---\nKharkiv on edge\n\n"
        "Russia is gathering forces north of Kharkiv while Kyiv and Moscow trade blame, Reuters reported. "
        "The Kremlin said nothing.\n")
    fs = circular(audit([str(tmp_path)], rs))
    assert sorted(f.article for f in fs) == ["bloomberg.md", "guardian.md", "reuters.md"]
    assert all(len(f.related) == 2 for f in fs)
