"""Spans of JSON records point into the record's own fields (issue 20, point 4).

A record whose body does not start with its title is audited as the title, a blank line and
the body; the report must still give every span (finding, related span, evidence, attribution,
date evidence) as offsets into the field it lies in: ``field: "title"`` into the record's title
as given (white space included), ``field: "text"`` into the record's text.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.engine.fields import localise_finding
from auditor.ingest import IngestOptions
from auditor.ingest.jsonfile import record_to_article
from auditor.model import PLAIN_FIELDS, AuditResult, FieldMap, Finding, Severity
from auditor.output.html import page_name

from conftest import FIXTURES, validate_report

FIX = FIXTURES / "offsets"
RECORDS = {r["id"]: r for r in map(json.loads, (FIX / "records.jsonl").read_text().splitlines())}
RECORDS.update({r["id"]: r for r in json.loads((FIX / "list.json").read_text())})
PREPENDED = ("prepended", "copy", "repeat", "listed")    # bodies that do not start with the title


def field_value(aid: str, field: str) -> str:
    rec = RECORDS[aid]
    return rec.get("title", rec.get("headline")) if field == "title" else rec.get("text", rec.get("body"))


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    out = tmp_path_factory.mktemp("offsets") / "out"
    res = CliRunner().invoke(main, ["audit", str(FIX), "-o", str(out), "-q", "-j", "1"])
    assert res.exit_code == 0, res.output
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    validate_report(data)
    return out, data


def spans(value, owner):
    """(article, span dict) of every dict with integer start and end in ``value``."""
    if isinstance(value, dict):
        if isinstance(value.get("start"), int) and isinstance(value.get("end"), int):
            yield value.get("article", owner), value
        for v in value.values():
            yield from spans(v, owner)
    elif isinstance(value, list):
        for v in value:
            yield from spans(v, owner)


def check_span(aid: str, sp: dict) -> None:
    if aid not in RECORDS:                      # the text file: no field, offsets into its text
        assert "field" not in sp, sp
        text = (FIX / aid).read_text(encoding="utf-8")
    else:
        assert sp.get("field") in ("title", "text"), sp
        text = field_value(aid, sp["field"])
    if "text" in sp:
        assert text[sp["start"]:sp["end"]] == sp["text"], (aid, sp)
    assert 0 <= sp["start"] <= sp["end"] <= len(text), (aid, sp)


def test_every_finding_and_attribution_span_points_into_its_field(audited):
    _, data = audited
    assert {a["id"] for a in data["articles"]} == set(RECORDS) | {"plain.txt"}
    n_findings = n_attr = 0
    for f in data["findings"]:
        check_span(f["article"], f)
        n_findings += 1
        for r in f["related"]:
            check_span(r["article"], r)
        for aid, sp in spans(f["evidence"], f["article"]):
            check_span(aid, sp)
    for a in data["articles"]:
        for aid, sp in spans([a.get("attributions", []), a.get("chains", []), a.get("published")], a["id"]):
            check_span(aid, sp)
            n_attr += 1
        for at in a.get("attributions", []):        # cue, source, content: each in its field
            for k in ("cue", "source", "content", "venue"):
                if isinstance(at.get(k), dict):
                    sp = at[k]
                    val = field_value(a["id"], sp["field"]) if a["id"] in RECORDS else None
                    if val is not None and "text" not in sp:
                        assert val[sp["start"]:sp["end"]].strip()
    assert n_findings >= 8 and n_attr >= 10
    # the spans of a prepended record's body are all past nothing: they index its text
    body = [sp for a in data["articles"] if a["id"] == "prepended"
            for _, sp in spans(a.get("attributions", []), "prepended")]
    assert body and all(sp["field"] == "text" for sp in body)


def test_a_headline_finding_says_title_with_offsets_into_the_title_as_given(audited):
    _, data = audited
    by = {(f["article"], f["rule"]): f for f in data["findings"]}
    f = by[("prepended", "headline.sensational")]
    title = RECORDS["prepended"]["title"]
    assert f["field"] == "title"
    assert (f["start"], f["end"]) == (2, 2 + len(title.strip()))       # past the two spaces
    assert title[f["start"]:f["end"]] == f["text"] == title.strip()
    # the evidence's matches index the title too
    assert all(m["field"] == "title" and title[m["start"]:m["end"]] == m["text"]
               for m in f["evidence"]["matches"])
    g = by[("listed", "headline.sensational")]                          # .json, a tab before
    assert (g["field"], g["start"]) == ("title", 1)
    # the line stays the record's line in the file
    assert f["line"] == 1 + list(RECORDS).index("prepended")


def test_body_starting_with_the_title_keeps_offsets_into_text(audited):
    _, data = audited
    f = next(f for f in data["findings"] if f["article"] == "starts" and f["rule"] == "headline.sensational")
    text = RECORDS["starts"]["text"]
    assert (f["field"], f["start"]) == ("text", 0)
    assert text[f["start"]:f["end"]] == f["text"]
    untitled = [f for f in data["findings"] if f["article"] == "untitled"]
    assert untitled and all(f["field"] == "text" for f in untitled)


def test_duplicate_headline_relates_the_title(audited):
    _, data = audited
    f = next(f for f in data["findings"] if f["rule"] == "duplicate.headline")
    assert f["article"] == "repeat" and f["field"] == "text" and f["start"] == 0
    (rel,) = f["related"]
    assert rel["field"] == "title" and rel["text"] == RECORDS["repeat"]["headline"]


def test_corpus_findings_relate_other_records_by_their_fields(audited):
    _, data = audited
    f = next(f for f in data["findings"] if f["rule"] == "duplicate.near-article")
    assert f["article"] == "copy" and f["field"] == "title"
    (rel,) = f["related"]
    assert rel["article"] == "prepended" and rel["field"] == "title" and rel["start"] == 2


def test_other_formats_have_no_field(audited):
    _, data = audited
    plain = [f for f in data["findings"] if f["article"] == "plain.txt"]
    assert plain and not any("field" in f for f in plain)
    text = (FIX / "plain.txt").read_text(encoding="utf-8")
    assert all(text[f["start"]:f["end"]] == f["text"] for f in plain)


def test_same_spans_on_two_processes(audited, tmp_path):
    _, data = audited
    res = CliRunner().invoke(main, ["audit", str(FIX), "-o", "", "--format", "json", "-q", "-j", "2"])
    assert res.exit_code == 0, res.output
    again = json.loads(res.output)
    assert again["findings"] == data["findings"] and again["articles"] == data["articles"]


# -- the HTML report ---------------------------------------------------------------------------
class Marks(HTMLParser):
    """The text of the page's ``#text`` and, per finding number, the text its marks cover."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.marks: list[list[str]] = []
        self.covered: dict[str, str] = {}
        self.text_attrs: dict = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and a.get("id") == "text":
            self.depth, self.text_attrs = 1, a
        elif self.depth:
            if tag == "div":
                self.depth += 1
            self.marks.append((a.get("data-f") or "").split() if tag == "mark" else [])
            if tag == "a":
                self.marks[-1] = None            # the numbered anchors are not text

    def handle_endtag(self, tag):
        if self.depth:
            if tag == "div":
                self.depth -= 1
            elif self.marks:
                self.marks.pop()

    def handle_data(self, data):
        if self.depth and self.marks and self.marks[-1] is not None:
            for n in self.marks[-1]:
                self.covered[n] = self.covered.get(n, "") + data


def page_marks(out: Path, aid: str) -> Marks:
    p = Marks()
    p.feed((out / "articles" / page_name(aid)).read_text(encoding="utf-8"))
    return p


@pytest.mark.parametrize("aid", PREPENDED + ("starts", "plain.txt"))
def test_html_highlights_the_words_of_every_finding(audited, aid):
    out, data = audited
    found = [f for f in data["findings"] if f["article"] == aid]
    assert found
    page = page_marks(out, aid)
    html = (out / "articles" / page_name(aid)).read_text(encoding="utf-8")
    assert "text-missing" not in html
    for n, f in enumerate(found, 1):     # the page numbers its findings in report order
        assert page.covered.get(str(n)) == f["text"], (aid, n, f["rule"])
    if aid in RECORDS:
        rec_title = field_value(aid, "title") or ""
        lead = len(rec_title) - len(rec_title.lstrip())
        assert page.text_attrs.get("data-at-title") == str(-lead)
    else:
        assert "data-at-title" not in page.text_attrs


def test_html_links_to_a_related_title_by_its_field(audited):
    out, data = audited
    html = (out / "articles" / page_name("copy")).read_text(encoding="utf-8")
    f = next(f for f in data["findings"] if f["rule"] == "duplicate.near-article")
    rel = f["related"][0]
    assert f'href="{page_name("prepended")}#at=title:{rel["start"]}-{rel["end"]}"' in html
    # the page of the related article moves title offsets by its data-at-title: -2
    target = page_marks(out, "prepended").text_attrs
    assert int(target["data-at-title"]) + rel["start"] == 0
    assert re.search(r'href="#at=text:\d+-\d+"', html)          # attribution sources, by field


def test_saved_report_renders_the_same_pages(audited, tmp_path):
    out, data = audited
    again = tmp_path / "again"
    res = CliRunner().invoke(main, ["report", str(out / "report.json"), "-o", str(again)])
    assert res.exit_code == 0, res.output
    for a in data["articles"]:
        assert (out / "articles" / page_name(a["id"])).read_text(encoding="utf-8") == \
            (again / "articles" / page_name(a["id"])).read_text(encoding="utf-8"), a["id"]


# -- the mapping itself ------------------------------------------------------------------------
def test_field_map_locates_and_takes_back():
    fm = FieldMap(text_offset=12, title_offset=3, title_len=10)   # "0123456789\n\n" + body
    assert fm.locate(0, 10) == ("title", 3, 13)
    assert fm.locate(12, 20) == ("text", 0, 8)
    assert fm.locate(8, 15) == ("title", 11, 13)          # runs on past the title: clipped
    assert fm.locate(10, 14) == ("text", 0, 2)            # the blank line: to the text's start
    assert fm.to_text("title", 3) == 0 and fm.to_text("text", 8) == 20 and fm.to_text(None, 5) == 5
    assert PLAIN_FIELDS.locate(4, 9) == ("text", 4, 9)


def test_article_fields_from_a_record():
    opts = IngestOptions()
    a = record_to_article({"title": " Head ", "text": "Body here."}, "x.jsonl", "x", opts, 1)
    assert a.text == "Head\n\nBody here." and a.fields == FieldMap(6, 1, 4)
    b = record_to_article({"title": "Head", "text": "Head\n\nBody."}, "x.jsonl", "x", opts, 1)
    assert b.fields == PLAIN_FIELDS
    assert record_to_article({"text": "Just a body."}, "x.jsonl", "x", opts, 1).fields == PLAIN_FIELDS


def test_a_span_running_past_the_title_is_clipped_with_its_text():
    opts = IngestOptions()
    a = record_to_article({"title": "Head", "text": "Body here."}, "x.jsonl", "x", opts, 1)
    f = Finding.at(a, "x.y", Severity.INFO, 2, 8, "m", related=[a.span(6, 10)])
    localise_finding(f, {a.id: a.fields}.get)
    assert (f.field, f.start, f.end, f.text) == ("title", 2, 4, "ad")
    assert f.related[0] | {} == {**f.related[0], "field": "text", "start": 0, "end": 4, "text": "Body"}
    localise_finding(f, {a.id: a.fields}.get)                  # once only: nothing moves again
    assert (f.field, f.start, f.end) == ("title", 2, 4) and f.related[0]["start"] == 0


def test_a_finding_reads_back_its_field():
    f = Finding("x.y", Severity.INFO, "a", 1, 1, 0, 4, "Head", "m", field="title")
    d = f.to_dict()
    assert d["field"] == "title" and list(d)[:8] == ["rule", "severity", "article", "line",
                                                     "column", "field", "start", "end"]
    assert Finding.from_dict(d).field == "title"
    assert "field" not in Finding("x.y", Severity.INFO, "a", 1, 1, 0, 4, "Head", "m").to_dict()
    assert AuditResult.from_dict({"findings": [d]}).findings[0].field == "title"
