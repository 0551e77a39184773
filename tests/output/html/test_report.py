"""The HTML report without a browser: escaping, file names, pages written, offline, round trip."""
from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.model import AuditResult, Finding, Severity
from auditor.output import get
from auditor.output.html import page_name, script_json
from auditor.output.html.diff import compare
from auditor.output.html.highlight import Mark, highlight

from conftest import FIXTURES, spooled_result, watch_findings

FIX = FIXTURES / "html"
REPORT = json.loads((FIX / "report.json").read_text(encoding="utf-8"))
GONE = next(a["id"] for a in REPORT["articles"] if "gone" in a["id"])


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The fixture report copied with its articles and rendered by `auditor report`."""
    tmp_path = tmp_path_factory.mktemp("html")
    src = tmp_path / "in"
    shutil.copytree(FIX, src, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["report", str(src / "report.json"), "--output", str(out)])
    assert res.exit_code == 0, res.output
    return out


class Collector(HTMLParser):
    """Every start tag with its attributes, and every script body."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._in: dict | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in = dict(attrs)
            self.scripts.append((self._in, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None

    def handle_data(self, data):
        if self._in is not None:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)


def parse(path: Path) -> Collector:
    c = Collector()
    c.feed(path.read_text(encoding="utf-8"))
    return c


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def article_page(out: Path, aid: str) -> Path:
    return out / "articles" / page_name(aid)


# -- file names ----------------------------------------------------------------------------------
@pytest.mark.parametrize("aid", ["plain.txt", "../../etc/passwd", 'a<b>"c?:*|.txt', "CON", "",
                                 "x" * 500, "sub/dir/é文字.json#2", ".hidden", "a\x00b\nc"])
def test_page_names_are_safe_and_unique(aid):
    name = page_name(aid)
    assert re.fullmatch(r"[a-z0-9-]{1,60}-[0-9a-f]{10}\.html", name), name
    assert page_name(aid + "x") != name


def test_ids_differing_only_in_unsafe_characters_get_different_pages():
    assert page_name("a/b.txt") != page_name("a?b.txt") != page_name("a b.txt")


# -- escaping ------------------------------------------------------------------------------------
def test_script_json_cannot_close_its_block():
    s = str(script_json({"t": "</script><script>alert(1)</script><!-- x --> & \u2028"}))
    assert "<" not in s and ">" not in s and "&" not in s and "\u2028" not in s
    assert json.loads(s) == {"t": "</script><script>alert(1)</script><!-- x --> & \u2028"}


def test_highlight_escapes_text_and_messages():
    text = 'a <script>alert(1)</script> "><img src=x onerror=alert(2)> b'
    html = str(highlight(text, [Mark(1, 2, 28, "boilerplate", "error", "r.x", "<b>msg</b>")]))
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html


def test_xss_article_shows_markup_as_text_only(rendered):
    for page in pages(rendered):
        c = parse(page)
        for attrs, body in c.scripts:
            # only our own script file and inert JSON data blocks
            assert attrs.get("src", "").endswith("assets/report.js") or \
                attrs.get("type") == "application/json", (page, attrs)
            if attrs.get("type") == "application/json":
                json.loads(body)
                assert "</" not in body and "<!--" not in body
        for tag, attrs in c.tags:
            assert tag not in ("img", "iframe", "object", "embed", "textarea", "svg") or \
                tag == "svg" and "onload" not in attrs, (page, tag)
            for k, v in attrs.items():
                assert not k.startswith("on"), (page, tag, k)
                if k in ("href", "src", "action", "xlink:href"):
                    assert not (v or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")), \
                        (page, tag, v)
    xss = article_page(rendered, "xss.txt").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__xss = 3; alert(3)&lt;/script&gt;" in xss
    assert "javascript:window.__xss=10" in xss          # the URL, shown as text
    assert "&#34;&gt;&lt;img src=x onerror=" in xss
    assert "&lt;/text&gt;&lt;script&gt;window.__xss=11&lt;/script&gt;" in xss   # in the chain SVG
    index = (rendered / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;path&#34;)&lt;/script&gt;.bin" in index     # an error's path


# -- pages ---------------------------------------------------------------------------------------
def test_a_page_per_article_and_per_cluster(rendered):
    for a in REPORT["articles"]:
        assert article_page(rendered, a["id"]).is_file(), a["id"]
    clusters = sorted(p.name for p in (rendered / "clusters").glob("*.html"))
    assert clusters == ["headline-3.html", "near-duplicate-1.html", "reuse-2.html"]
    assert {p.name for p in (rendered / "assets").iterdir()} == {"report.css", "report.js"}


def test_article_page_draws_each_finding_once_in_the_text(rendered):
    html = article_page(rendered, "alpha.txt").read_text(encoding="utf-8")
    n = sum(1 for f in REPORT["findings"] if f["article"] == "alpha.txt")
    assert len(re.findall(r'<a class="fn [^"]*" id="hl-\d+"', html)) == n
    assert len(re.findall(r'<li id="f-\d+" class="finding', html)) == n
    assert 'id="text"' in html and "text-missing" not in html
    # overlapping spans: "northern islands" lies inside the reused passage, both numbers on it
    assert re.search(r'<mark class="hl fam-consistency sev-error d2"[^>]*data-f="3 2"[^>]*>northern islands<',
                     html)
    # the related span links to the other article's page at that span
    beta = page_name("beta.txt")
    assert re.search(rf'href="{beta}#at=\d+-\d+"', html)
    # the chain diagram: anonymous and vague sources marked
    assert html.count("<figure class=\"chain\">") == 3
    assert re.search(r'class="node kind-anonymous marked"', html)
    assert re.search(r'class="node kind-vague marked"', html)
    assert "2025-03-04" in html and "from metadata" in html
    assert "Reliability" in html and "58" in html


def test_inferred_date_window_and_evidence(rendered):
    html = article_page(rendered, "beta.txt").read_text(encoding="utf-8")
    assert "from inferred" in html and "2025-03-01" in html and "2025-03-10" in html
    assert "mentions &lt;script&gt;the vote&lt;/script&gt;" in html


def test_missing_file_shows_spans_and_says_so(rendered):
    html = article_page(rendered, GONE).read_text(encoding="utf-8")
    assert 'id="text-missing"' in html and "could not be read again" in html
    assert len(re.findall(r'id="hl-\d+"', html)) == 2
    assert "The headline &lt;i&gt;again&lt;/i&gt;" in html


def test_changed_file_is_detected(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(FIX, src, ignore=shutil.ignore_patterns("*.py"))
    (src / "articles" / "alpha.txt").write_text("Something else entirely.\n\nNew text.\n")
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["report", str(src / "report.json"), "-o", str(out)]).exit_code == 0
    html = article_page(out, "alpha.txt").read_text(encoding="utf-8")
    assert "has changed since the audit" in html


def test_cluster_page_marks_shared_and_differing_passages(rendered):
    html = (rendered / "clusters" / "near-duplicate-1.html").read_text(encoding="utf-8")
    shared = re.findall(r'<span class="same">(.*?)</span>', html, re.S)
    assert any("connect the old town with the northern islands" in s for s in shared)
    differ = re.findall(r'<ins class="differ">(.*?)</ins>', html, re.S)
    assert any("seven members in favour" in d for d in differ)
    assert html.count('<section class="member') == 2
    reuse = (rendered / "clusters" / "reuse-2.html").read_text(encoding="utf-8")
    assert "could not be read again" in reuse           # the member whose file is gone


def test_compare_ignores_case_and_punctuation():
    (a, sa), (b, sb) = compare(["The same words here, really.", "the SAME words here really!"])
    assert sa == sb == 1.0 and "differ" not in str(a) + str(b)


def test_offline_no_remote_url_outside_text(rendered):
    for page in list(pages(rendered)) + [rendered / "assets" / "report.css", rendered / "assets" / "report.js"]:
        text = page.read_text(encoding="utf-8")
        if page.suffix == ".html":
            for tag, attrs in parse(page).tags:
                for k in ("href", "src", "action", "data", "poster", "srcset"):
                    v = (attrs.get(k) or "").strip().lower()
                    assert not re.match(r"^(https?:)?//", v), (page, tag, k, v)
                if tag == "link":
                    assert attrs.get("href", "").startswith(("assets/", "../assets/")), attrs
        else:
            assert not re.search(r"https?://|url\(\s*['\"]?(https?:)?//|@import", text), page


def test_report_round_trip_matches_audit_render(tmp_path):
    arts = tmp_path / "arts"
    shutil.copytree(FIX / "articles", arts)
    out = tmp_path / "audit-out"
    res = CliRunner().invoke(main, ["audit", str(arts), "-o", str(out), "-q", "-j", "1"])
    assert res.exit_code == 0, res.output
    again = tmp_path / "again"
    res = CliRunner().invoke(main, ["report", str(out / "report.json"), "-o", str(again)])
    assert res.exit_code == 0, res.output
    assert sorted(p.relative_to(out).as_posix() for p in pages(out)) == \
        sorted(p.relative_to(again).as_posix() for p in pages(again))
    data = json.loads((out / "report.json").read_text())
    for a in data["articles"]:
        first = article_page(out, a["id"]).read_text(encoding="utf-8")
        second = article_page(again, a["id"]).read_text(encoding="utf-8")
        assert first == second, a["id"]          # the texts were found again by their path
        assert "text-missing" not in second


def test_report_command_rejects_a_file_that_is_not_a_report(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"articles": 3}')
    res = CliRunner().invoke(main, ["report", str(bad), "-o", str(tmp_path / "o")])
    assert res.exit_code == 2 and "not an auditor report" in res.output


def test_stale_pages_of_an_earlier_report_are_removed_but_foreign_files_kept(tmp_path, rendered):
    rendered = Path(shutil.copytree(rendered, tmp_path / "copy"))
    stale = rendered / "articles" / "old-0000000000.html"
    stale.write_text('<!doctype html><meta name="generator" content="auditor-html-report">')
    mine = rendered / "articles" / "notes.html"
    mine.write_text("<p>my notes</p>")
    res = CliRunner().invoke(main, ["report", str(FIX / "report.json"), "-o", str(rendered)])
    assert res.exit_code == 0
    assert not stale.exists() and mine.exists()


def test_stream_gets_a_self_contained_index():
    import io
    result = AuditResult.from_dict(REPORT)
    buf = io.StringIO()
    get("html").render(result, buf)
    html = buf.getvalue()
    assert "<style>" in html and 'id="report-data"' in html and "assets/" not in html
    assert "<script>window.__xss" not in html


def test_texts_mapping_is_used(tmp_path):
    result = AuditResult.from_dict(REPORT)
    text = (FIX / "articles" / "alpha.txt").read_text()
    get("html").render(result, str(tmp_path / "o"), texts={"alpha.txt": text})
    assert 'id="text"' in article_page(tmp_path / "o", "alpha.txt").read_text()
    assert "text-missing" in article_page(tmp_path / "o", "beta.txt").read_text()


def test_renders_a_report_with_none_of_the_optional_fields(tmp_path):
    minimal = {"tool": {"name": "auditor", "version": "0"},
               "articles": [{"id": "a", "path": "nowhere/a.txt", "title": None, "outlet": None,
                             "url": None, "published": {"value": None, "provenance": None}}],
               "findings": [Finding("duplicate.line", Severity.INFO, "a", 1, 1, 0, 3, "abc", "msg").to_dict()],
               "clusters": [], "errors": [], "summary": {}}
    get("html").render(AuditResult.from_dict(minimal), str(tmp_path / "o"))
    html = article_page(tmp_path / "o", "a").read_text()
    assert "holds no attribution chains" in html and 'id="hl-1"' in html
    assert "holds no reliability scores" in (tmp_path / "o" / "index.html").read_text()


def test_a_file_name_destination_puts_pages_beside_it(tmp_path):
    result = AuditResult.from_dict(REPORT)
    get("html").render(result, str(tmp_path / "audit.html"))
    index = (tmp_path / "audit.html").read_text()
    assert f'href="audit_files/articles/{page_name("alpha.txt")}' in index
    assert 'href="audit_files/assets/report.css"' in index
    page = (tmp_path / "audit_files" / "articles" / page_name("alpha.txt")).read_text()
    assert 'href="../../audit.html"' in page and 'href="../assets/report.css"' in page
    assert (tmp_path / "audit_files" / "clusters" / "reuse-2.html").is_file()


# -- streaming and forked page writers -------------------------------------------------------------
def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def audited(ruleset):
    """A real audit of the seeds and fixture articles: entries and findings in the pipeline's
    spools, near-duplicate clusters among them."""
    from auditor.engine.pipeline import AuditOptions, audit
    from conftest import SEEDS
    return audit([str(SEEDS), str(FIX / "articles"), str(FIX.parent / "duplicates" / "bbc")],
                 ruleset, AuditOptions(jobs=1))


def test_pages_are_the_same_a_batch_at_a_time_and_on_two_processes(tmp_path, audited):
    from auditor.spool import FindingStore, SpooledList
    assert isinstance(audited.findings, FindingStore) and isinstance(audited.articles, SpooledList)
    assert audited.clusters and len(audited.articles) > 10
    get("html").render(audited, str(tmp_path / "one"))
    get("html").render(audited, str(tmp_path / "two"), jobs=2, batch=3)
    in_memory = AuditResult(audited.tool, list(audited.articles), list(audited.findings),
                            audited.clusters, audited.errors, load=audited.load)
    get("html").render(in_memory, str(tmp_path / "lists"), batch=4)
    one = tree(tmp_path / "one")
    assert len([k for k in one if k.startswith("articles/")]) == len(audited.articles)
    assert any(k.startswith("clusters/") for k in one)
    assert tree(tmp_path / "two") == one
    assert tree(tmp_path / "lists") == one


def test_the_writer_holds_one_batch_of_findings_at_a_time(tmp_path, monkeypatch):
    """Only a batch of findings alive at a time (see ``conftest.watch_findings``)."""
    from auditor.spool import SpooledList
    n, each = 1200, 2
    result = spooled_result(n, each)
    watch = watch_findings(monkeypatch)
    done = []
    get("html").render(result, str(tmp_path / "o"), texts={}, batch=4, progress=done.append)
    assert max(watch.asked) == 4 and sum(watch.asked) == n      # one pass, 4 articles at a time
    # the writer's batch, or the batch the store reads when iterated (the summary)
    assert 0 < watch.peak <= SpooledList.BATCH * each + 1 < n * each     # + 1: the one in hand
    assert done == sorted(done) and done[-1] == n
    assert len(list((tmp_path / "o" / "articles").glob("*.html"))) == n
    assert "Finding 1." in article_page(tmp_path / "o", f"feed/{n - 1:04d}.txt").read_text()
