import json
import re

from conftest import FIXTURES, ROOT, run_cli, validate_report

ING = FIXTURES / "ingest"
LINE = re.compile(r"^  (?P<path>\S+):(?P<line>\d+):(?P<col>\d+) (?P<sev>error|warning|info) "
                  r"(?P<rule>[a-z-]+\.[a-z0-9.-]+) (?P<msg>.+)$")


def test_version_and_module_entry():
    res = run_cli("--version")
    assert res.returncode == 0 and re.search(r"auditor, version \d+\.\d+", res.stdout)


def test_help_explains_commands():
    res = run_cli("audit", "--help")
    assert res.returncode == 0
    for opt in ("--rules", "--format", "--output", "--jobs", "--fail-on", "--strict", "--quiet",
                "--include", "--exclude", "--field", "--timings"):
        assert opt in res.stdout


def test_audit_seeds_end_to_end(tmp_path):
    out = tmp_path / "reports"
    res = run_cli("audit", "seeds/", "--output", str(out))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[-1].startswith("Report:") and lines[-2].startswith("Summary: 5 articles")
    found = [LINE.match(ln).groupdict() for ln in lines if LINE.match(ln)]
    heads = [(f["path"], f["line"]) for f in found if f["rule"] == "duplicate.headline"]
    assert ("seeds/000_51063113c359c1fa.txt", "3") in heads
    assert ("seeds/002_d892d0d222ea9f15.txt", "5") in heads
    assert len(heads) == 2
    data = json.loads((out / "report.json").read_text())
    validate_report(data)
    assert data["errors"] == [] and res.stderr == ""
    assert (out / "index.html").exists()
    # every finding's text is exactly the original text between its offsets
    for f in data["findings"]:
        art = next(a for a in data["articles"] if a["id"] == f["article"])
        raw = (ROOT / art["path"]).read_text(encoding="utf-8")
        assert raw[f["start"]:f["end"]] == f["text"]
        assert raw.splitlines()[f["line"] - 1][f["column"] - 1:].startswith(f["text"][:20])
    # no duplicate finding on a body paragraph (long line with sentence punctuation)
    for f in data["findings"]:
        if f["rule"].startswith("duplicate."):
            assert not (len(f["text"]) > 150 and f["text"].rstrip().endswith(".")), f


def test_jobs_1_and_2_give_identical_output(tmp_path):
    a = run_cli("audit", "seeds/", str(ING), "--format", "json", "--output", "", "--jobs", "1")
    b = run_cli("audit", "seeds/", str(ING), "--format", "json", "--output", "", "--jobs", "2")
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout
    validate_report(json.loads(a.stdout))


def test_timings_go_to_stderr_and_leave_the_output_alone(tmp_path):
    plain = run_cli("audit", "seeds/", "--output", str(tmp_path / "a"), "--jobs", "2")
    timed = run_cli("audit", "seeds/", "--output", str(tmp_path / "b"), "--jobs", "2", "--timings")
    assert plain.returncode == timed.returncode == 0, timed.stderr
    assert timed.stdout == plain.stdout.replace(str(tmp_path / "a"), str(tmp_path / "b"))
    assert (tmp_path / "a" / "report.json").read_bytes() == (tmp_path / "b" / "report.json").read_bytes()
    assert plain.stderr == "" and timed.stderr.startswith("Timings, 5 articles")
    rows = {m.group(1): float(m.group(2)) for m in
            re.finditer(r"^  (\S+(?: \S+)*?) +(\d+\.\d\d)(?: |$)", timed.stderr, re.M)}
    for step in ("attribution.statements", "consistency.date", "duplicate.line", "read",
                 "fingerprint:duplicate.near", "corpus:reuse.passage", "report:report.json and HTML"):
        assert step in rows, (step, timed.stderr)
    total = rows.pop("all per-article steps")
    per_article = [v for k, v in rows.items() if not k.startswith(("corpus:", "report:"))]
    assert abs(sum(per_article) - total) <= 0.005 * len(per_article) + 0.01   # rounded to 0.01 s


def test_bad_inputs_are_reported_and_run_goes_on(tmp_path):
    args = ["audit", "seeds/000_51063113c359c1fa.txt", str(ING / "image.txt"),
            str(ING / "bad-utf8.txt"), str(ING / "records.jsonl"), str(tmp_path / "missing.txt"),
            "--output", str(tmp_path / "r")]
    res = run_cli(*args)
    assert res.returncode == 0
    for needle in ("image.txt: binary file", "bad-utf8.txt:3: invalid UTF-8",
                   "records.jsonl:3: invalid JSON", "missing.txt: no such file"):
        assert needle in res.stderr, needle
    data = json.loads((tmp_path / "r" / "report.json").read_text())
    validate_report(data)
    assert len(data["articles"]) == 4          # the seed and three good JSONL records
    kinds = sorted(e["kind"] for e in data["errors"])
    assert kinds == ["binary", "encoding", "json", "json", "missing"]
    strict = run_cli(*args, "--strict")
    assert strict.returncode == 1


def test_fail_on_levels(tmp_path):
    ok = run_cli("audit", "seeds/", "--output", "", "--quiet")
    assert ok.returncode == 0 and ok.stdout.startswith("Summary:")
    art = tmp_path / "a.txt"
    art.write_text("Shocking storm hits the coast!\n\nThe storm reached the coast on Monday, "
                   "the weather service said.\n")
    res = {level: run_cli("audit", str(art), "--output", "", "--quiet", "--fail-on", level)
           for level in ("error", "warning", "info", "never")}
    assert "1 warning" in res["never"].stdout and "0 error" in res["never"].stdout
    assert res["error"].returncode == 0          # nothing at error level
    assert res["warning"].returncode == 1 and res["info"].returncode == 1
    assert res["never"].returncode == 0


def test_stdin_jsonl():
    data = '{"id": "s1", "title": "SHOCKING news you won\'t believe!", "text": "Body."}\n'
    res = run_cli("audit", "-", "--format", "json", "--output", "", input=data)
    assert res.returncode == 0, res.stderr
    rep = json.loads(res.stdout)
    validate_report(rep)
    assert rep["articles"][0]["id"] == "s1"
    assert [f["rule"] for f in rep["findings"]] == ["headline.sensational"]


def test_field_option_validates():
    res = run_cli("audit", str(ING / "records.jsonl"), "--field", "nonsense", "--output", "")
    assert res.returncode == 2 and "OURS=THEIRS" in res.stderr


def test_existing_report_survives_a_failed_render(tmp_path):
    out = tmp_path / "r"
    assert run_cli("audit", "seeds/", "--output", str(out), "--quiet").returncode == 0
    before = (out / "report.json").read_text()
    # a second run with an invalid pack writes nothing and leaves the report as it was
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.yaml").write_text("kind: headline\n")
    assert run_cli("audit", "seeds/", "--rules", str(bad), "--output", str(out)).returncode == 2
    assert (out / "report.json").read_text() == before
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]
