"""GitHub workflow commands (parsed back) and JUnit XML (parsed with xml.etree)."""
import io
import re
import xml.etree.ElementTree as ET

from ci_util import check, corpus

from auditor.model import AuditResult, Finding, IngestError, Severity
from auditor.output.github import escape_data, escape_property, render_github
from auditor.output.junit import to_junit

CMD = re.compile(r"^::(?P<kind>error|warning|notice)(?: (?P<props>[^:]*))?::(?P<msg>.*)$")


def unescape(s: str) -> str:
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",") \
        .replace("%25", "%")


def parse_commands(out: str) -> list[dict]:
    cmds = []
    for line in out.splitlines():
        m = CMD.match(line)
        if not m:
            continue
        props = {}
        for part in (m.group("props") or "").split(","):
            if part:
                k, _, v = part.partition("=")
                props[k] = unescape(v)
        cmds.append({"kind": m.group("kind"), "msg": unescape(m.group("msg")), **props})
    return cmds


def finding(article, rule, sev, line, message="Something is wrong.", text="some words"):
    return Finding(rule, Severity.parse(sev), article, line, 3, 0, len(text), text, message,
                   end_line=line, end_column=3 + len(text) - 1)


def result_of(findings, articles, errors=(), **options):
    return AuditResult(tool={"name": "auditor", "version": "0"},
                       articles=[{"id": a, "path": p, "format": "text"} for a, p in articles],
                       findings=list(findings), clusters=[], errors=list(errors), options=options)


def test_commands_from_a_real_check(tmp_path):
    arts = corpus(tmp_path, "repeated.txt", "clean.txt")
    res = check(str(arts), "--format", "github", cwd=tmp_path)
    assert res.exit_code == 0
    (cmd,) = [c for c in parse_commands(res.stdout) if c["title"].startswith("duplicate.line")]
    line = "The city council approved a budget of two million euros for parks on Tuesday evening."
    assert cmd == {"kind": "warning", "file": "articles/repeated.txt", "line": "7", "col": "1",
                   "endLine": "7", "endColumn": str(len(line)), "title": "duplicate.line (warning)",
                   "msg": "Line 7 repeats line 3 (exactly)."}
    assert re.search(r"^::group::articles/repeated.txt \(\d+ findings?\)$", res.stdout, re.M)
    assert "::endgroup::" in res.stdout


def test_escaping_follows_the_runner_rules():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a,b:c%") == "a%2Cb%3Ac%25"
    r = result_of([finding("x", "headline.sensational", "error", 2, message="Bad: 100%\nreally, bad")],
                  [("x", "odd, name:1.txt")])
    out = io.StringIO()
    render_github(r, out)
    raw = [ln for ln in out.getvalue().splitlines() if ln.startswith("::error")][0]
    assert "file=odd%2C name%3A1.txt," in raw
    assert raw.endswith("::Bad: 100%25%0Areally, bad")
    (cmd,) = parse_commands(out.getvalue())
    assert cmd["file"] == "odd, name:1.txt" and cmd["msg"] == "Bad: 100%\nreally, bad"


def test_errors_first_grouped_per_file_and_count_left_out():
    fs = [finding("a", "duplicate.line", "warning", 5), finding("a", "headline.sensational", "info", 1),
          finding("b", "duplicate.line", "warning", 2), finding("b", "consistency.title", "error", 9),
          finding("c", "duplicate.line", "info", 4), finding("a", "duplicate.headline", "error", 3)]
    r = result_of(fs, [("a", "a.txt"), ("b", "b.txt"), ("c", "c.txt")])
    out = io.StringIO()
    render_github(r, out, limit=4)
    text = out.getvalue()
    cmds = parse_commands(text)
    shown = [(c["kind"], c.get("file"), c.get("line")) for c in cmds[:-1]]
    # the two errors and the two warnings are chosen; files holding errors first, errors first in a file
    assert shown == [("error", "a.txt", "3"), ("warning", "a.txt", "5"),
                     ("error", "b.txt", "9"), ("warning", "b.txt", "2")]
    groups = re.findall(r"^::group::(\S+)", text, re.M)
    assert groups == ["a.txt", "b.txt"]
    last = cmds[-1]
    assert last["kind"] == "notice" and last["msg"].startswith("2 more finding(s) not shown")
    assert "2 info" in last["msg"]


def test_suppressed_findings_and_unreadable_inputs():
    f1 = finding("a", "duplicate.line", "error", 5)
    f1.suppressed = True
    r = result_of([f1], [("a", "a.txt")], errors=[IngestError("bad.txt", "binary file", "binary")])
    out = io.StringIO()
    render_github(r, out)
    cmds = parse_commands(out.getvalue())
    assert [(c["kind"], c["file"]) for c in cmds] == [("error", "bad.txt")]
    assert "1 suppressed" in out.getvalue()


def test_junit_one_testcase_per_article_and_failures_at_fail_level(tmp_path):
    fs = [finding("a", "duplicate.line", "warning", 5), finding("a", "duplicate.headline", "error", 3),
          finding("b", "headline.sensational", "info", 1)]
    r = result_of(fs, [("a", "a.txt"), ("b", "b.txt"), ("c", "c.txt")],
                  errors=[IngestError("bad.txt", "binary file", "binary")], fail_on="warning")
    root = ET.fromstring(ET.tostring(to_junit(r).getroot()))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["a.txt", "b.txt", "c.txt", "bad.txt"]
    a, b, c, bad = cases
    assert sorted(f.get("type") for f in a.findall("failure")) == ["duplicate.headline", "duplicate.line"]
    assert b.findall("failure") == [] and "headline.sensational" in b.find("system-out").text
    assert c.findall("failure") == [] and c.find("system-out") is None
    assert bad.find("error").get("type") == "binary"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "2", "1")


def test_junit_from_the_command_line(tmp_path):
    arts = corpus(tmp_path, "repeated.txt", "clean.txt")
    out = tmp_path / "junit.xml"
    res = check(str(arts), "--report", f"junit={out}", "--fail-on", "warning", cwd=tmp_path)
    assert res.exit_code == 1
    root = ET.parse(out).getroot()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {"articles/repeated.txt", "articles/clean.txt"}
    (fail,) = [f for f in cases["articles/repeated.txt"].findall("failure") if f.get("type") == "duplicate.line"]
    assert "line 7" in fail.get("message")
    # with the default fail level (error) the warning is not a failure
    res = check(str(arts), "--report", f"junit={out}", cwd=tmp_path)
    assert res.exit_code == 0
    assert ET.parse(out).getroot().get("failures") == "0"


def test_github_limits_per_kind_are_respected():
    fs = [finding("a", "duplicate.line", "error", i) for i in range(1, 13)]
    fs += [finding("b", "duplicate.line", "warning", i) for i in range(1, 4)]
    r = result_of(fs, [("a", "a.txt"), ("b", "b.txt")], errors=[IngestError("bad.txt", "binary file", "binary")])
    out = io.StringIO()
    render_github(r, out)
    cmds = parse_commands(out.getvalue())
    kinds = [c["kind"] for c in cmds]
    assert kinds.count("error") == 10 and kinds.count("warning") == 3
    assert cmds[0]["file"] == "bad.txt"                    # the unreadable input comes first
    assert cmds[-1]["kind"] == "notice" and cmds[-1]["msg"].startswith("3 more finding(s)")
    assert "3 error" in cmds[-1]["msg"]
    # what was left out is still in the log as plain lines
    assert "a.txt:12:3 error duplicate.line Something is wrong." in out.getvalue()
