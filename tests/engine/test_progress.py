import io

from auditor.ingest import IngestOptions
from auditor.engine.pipeline import AuditOptions, audit
from auditor.engine.progress import estimate_total, make_progress

from conftest import FIXTURES, SEEDS, run_cli


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_total_counts_files_and_jsonl_records():
    assert estimate_total([str(SEEDS)], IngestOptions()) == 5
    # five non-blank lines, two of them malformed: an estimate, not a promise
    assert estimate_total([str(FIXTURES / "ingest" / "records.jsonl")], IngestOptions()) == 5


def test_bar_on_a_terminal_shows_count_rate_and_time_left(ruleset):
    term = FakeTerminal()
    progress = make_progress([str(SEEDS)], IngestOptions(), quiet=False, stream=term)
    audit([str(SEEDS)], ruleset, AuditOptions(jobs=1, progress=progress))
    progress.close()
    out = term.getvalue()
    assert "5/5" in out and "article/s" in out and "<" in out   # tqdm: elapsed<left


def test_silent_when_not_a_terminal_or_quiet(ruleset):
    plain = io.StringIO()
    assert make_progress([str(SEEDS)], IngestOptions(), quiet=False, stream=plain).bar is None
    assert make_progress([str(SEEDS)], IngestOptions(), quiet=True, stream=FakeTerminal()).bar is None
    res = run_cli("audit", "seeds/", "--output", "")
    assert "article/s" not in res.stderr


def test_the_bar_goes_on_through_the_corpus_checks_and_the_report(ruleset, tmp_path):
    from auditor.checks import load_all
    from auditor.output import get
    term = FakeTerminal()
    progress = make_progress([str(SEEDS)], IngestOptions(), quiet=False, stream=term)
    result = audit([str(SEEDS)], ruleset, AuditOptions(jobs=1, progress=progress))
    progress.phase("writing the HTML report", len(result.articles))
    get("html").render(result, str(tmp_path / "o"), progress=progress)
    progress.close()
    out = term.getvalue()
    checks = len(load_all().corpus_checks())
    # each part of the run ends on its own line, at its full count
    articles = out.index("5/5")
    assert out.index("\n", articles) < out.index("corpus checks")
    corpus = out.index("corpus checks", articles)
    report = out.index("writing the HTML report", corpus)
    assert f"{checks}/{checks}" in out[corpus:report] and "check/s" in out[corpus:report]
    assert "5/5" in out[report:] and "article/s" in out[report:]
