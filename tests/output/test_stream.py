"""Reports are written piece by piece into a temporary file, then renamed."""
from __future__ import annotations

import json

import pytest

from auditor.output import stream_atomic
from auditor.output.json import chunks, dumps
from auditor.engine.pipeline import AuditOptions, audit

from conftest import SEEDS, spooled_result, watch_findings


def test_streamed_json_is_the_dumped_report_byte_for_byte(ruleset):
    res = audit([str(SEEDS)], ruleset, AuditOptions())
    assert res.findings and res.articles
    res.baseline = {"path": "b.json", "matched": 2, "new": ["x"]}
    res.suppressions = {"inline": 1}
    expected = json.dumps(res.to_dict(), ensure_ascii=False, indent=2) + "\n"
    assert dumps(res) == expected
    assert len(list(chunks(res))) > len(res.findings)          # one piece per item at least
    res.findings, res.clusters, res.errors, res.baseline, res.suppressions = [], [], [], None, None
    assert dumps(res) == json.dumps(res.to_dict(), ensure_ascii=False, indent=2) + "\n"


def test_an_interrupted_write_leaves_the_old_report(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old\n", encoding="utf-8")

    def produce(fh):
        fh.write("half of a new rep")
        raise RuntimeError("disk full")
    with pytest.raises(RuntimeError):
        stream_atomic(str(target), produce)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]     # no temporary file left
    stream_atomic(str(target), lambda fh: fh.write("new – ünïcode\n"))
    assert target.read_text(encoding="utf-8") == "new – ünïcode\n"


def test_indented_json_matches_the_standard_library_and_takes_what_orjson_does_not():
    from auditor.output.json import _indented
    values = [
        {"title": "Kyiv – «Київ» \"quoted\" \\ \n\t\u2028\x01", "n": [1, 2.0, 0.25, 123456789.123,
                                                                    1e20, None, True, False],
         "empty": {}, "none": [], "nested": {"a": [{"b": []}]}},
        [],
        "plain",
    ]
    for v in values:
        assert _indented(v) == json.dumps(v, ensure_ascii=False, indent=2)
    # what orjson refuses goes to the standard library, whose text it is
    for v in ({1: "int key"}, {"big": 2 ** 70}):
        assert _indented(v) == json.dumps(v, ensure_ascii=False, indent=2)
    # a tiny float is written differently but is the same number
    assert json.loads(_indented({"x": 1.5e-7, "y": 1e-5})) == {"x": 1.5e-7, "y": 1e-5}


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_writers_hold_a_batch_of_findings_at_a_time(fmt, monkeypatch):
    import io

    from auditor.output import get
    from auditor.spool import SpooledList
    n, each = 1200, 2
    result = spooled_result(n, each)
    watch = watch_findings(monkeypatch)
    out = io.StringIO()
    get(fmt).render(result, out)
    assert f"Finding {each - 1}." in out.getvalue()
    assert out.getvalue().count("Finding 0.") == n
    assert 0 < watch.peak <= SpooledList.BATCH * each + 1 < n * each     # + 1: the one in hand
