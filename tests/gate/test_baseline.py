"""Baselines: keyed by rule, article and normalised text with its context, never by line number."""
import json

from ci_util import check, corpus
from conftest import validate_report

from auditor.engine.finding_keys import content_hash
from auditor.gate.baseline import apply_baseline, entries_from
from auditor.model import AuditResult, Finding, Severity

REPEATED = "The city council approved a budget of two million euros for parks on Tuesday evening."


def report(tmp_path, arts, *args):
    res = check(str(arts), "--format", "json", *args, cwd=tmp_path)
    data = json.loads(res.stdout)
    validate_report(data)
    return res.exit_code, data


def dups(data):
    return [f for f in data["findings"] if f["rule"] == "duplicate.line"]


def test_round_trip_with_moved_lines(tmp_path):
    arts = corpus(tmp_path, "repeated.txt", "clean.txt")
    base = tmp_path / ".auditor-baseline.json"
    res = check(str(arts), "--fail-on", "warning", "--write-baseline", str(base), cwd=tmp_path)
    assert res.exit_code == 0, res.output          # what was recorded is hidden in this run too
    assert "wrote" in res.stderr and base.exists()
    entries = json.loads(base.read_text())["entries"]
    dup = next(e for e in entries if e["rule"] == "duplicate.line")
    assert dup["article"] == "repeated.txt" and dup["count"] == 1 and "line" not in dup

    # lines inserted above the finding: it moves from line 7 to line 11 and is still known
    path = arts / "repeated.txt"
    head, rest = path.read_text().split("\n", 1)
    path.write_text(head + "\n\nThe vote was held in the evening.\n\nTwo members were absent.\n" + rest)
    code, data = report(tmp_path, arts, "--fail-on", "warning", "--baseline", str(base))
    (f,) = dups(data)
    assert f["line"] == 11 and f["suppressed"] is True and f["suppression"]["kind"] == "baseline"
    assert code == 0
    assert data["baseline"]["stale"] == [] and data["baseline"]["matched"] >= 1
    assert data["summary"]["by_rule"].get("duplicate.line", 0) == 0

    # a new repetition of another line is reported and fails
    path.write_text(path.read_text() + "\nTwo members were absent.\n")
    code, data = report(tmp_path, arts, "--fail-on", "warning", "--baseline", str(base))
    new = [f for f in dups(data) if not f.get("suppressed")]
    assert [f["text"] for f in new] == ["Two members were absent."]
    assert code == 1 and data["baseline"]["new"] >= 1


def test_identical_findings_are_counted(tmp_path):
    arts = corpus(tmp_path, "repeated.txt")
    base = tmp_path / "b.json"
    check(str(arts), "--write-baseline", str(base), cwd=tmp_path)
    path = arts / "repeated.txt"
    path.write_text(path.read_text() + "\n" + REPEATED + "\n")       # a second identical repetition
    code, data = report(tmp_path, arts, "--fail-on", "warning", "--baseline", str(base))
    found = dups(data)
    assert len(found) == 2
    assert sorted(bool(f.get("suppressed")) for f in found) == [False, True]
    assert code == 1


def test_stale_entries_are_listed(tmp_path):
    arts = corpus(tmp_path, "repeated.txt", "clean.txt")
    base = tmp_path / "b.json"
    check(str(arts), "--write-baseline", str(base), cwd=tmp_path)
    path = arts / "repeated.txt"
    path.write_text(path.read_text().replace(REPEATED + "\n\nResidents", "Residents"))   # fixed
    code, data = report(tmp_path, arts, "--baseline", str(base))
    stale = [s for s in data["baseline"]["stale"] if s["rule"] == "duplicate.line"]
    assert len(stale) == 1 and stale[0]["article"] == "repeated.txt" and REPEATED.startswith(stale[0]["text"])
    text = check(str(arts), "--baseline", str(base), cwd=tmp_path).stdout
    assert "stale: repeated.txt duplicate.line" in text
    assert "stale entr" in text


def test_bad_baseline_file_exits_2(tmp_path):
    arts = corpus(tmp_path, "clean.txt")
    res = check(str(arts), "--baseline", str(tmp_path / "missing.json"), cwd=tmp_path)
    assert res.exit_code == 2 and "baseline file not found" in res.stderr
    (tmp_path / "bad.json").write_text("{not json")
    res = check(str(arts), "--baseline", str(tmp_path / "bad.json"), cwd=tmp_path)
    assert res.exit_code == 2 and "not a baseline" in res.stderr
    (tmp_path / "bad.json").write_text('{"entries": [{"rule": 1}]}')
    assert check(str(arts), "--baseline", str(tmp_path / "bad.json"), cwd=tmp_path).exit_code == 2


def test_baseline_named_in_the_configuration(tmp_path):
    arts = corpus(tmp_path, "repeated.txt")
    check(str(arts), "--write-baseline", str(tmp_path / "ci" / "baseline.json"), cwd=tmp_path)
    (tmp_path / "auditor.toml").write_text("baseline = 'ci/baseline.json'\nfail-on = 'warning'\n")
    assert check(str(arts), cwd=tmp_path).exit_code == 0


def test_key_ignores_position_but_not_context():
    a = content_hash("duplicate.line", "x", "Same words.", "Same words.")
    assert a == content_hash("duplicate.line", "x", "Same  words.", "Same words.")   # normalised
    assert a != content_hash("duplicate.line", "y", "Same words.", "Same words.")
    assert a != content_hash("duplicate.line", "x", "Same words.", "Other line. Same words.")
    f1 = Finding("duplicate.line", Severity.WARNING, "x", 3, 1, 10, 20, "Same words.", "m", fingerprint=a)
    f2 = Finding("duplicate.line", Severity.WARNING, "x", 30, 1, 300, 310, "Same words.", "m", fingerprint=a)
    r = AuditResult({"name": "auditor", "version": "0"}, [{"id": "x", "path": "x"}], [f2], [], [])
    apply_baseline(r, entries_from([f1]), "b.json")
    assert f2.suppressed and r.baseline["matched"] == 1 and r.baseline["stale"] == []
