import io
import os

import pytest

from auditor.ingest import IngestOptions, iter_sources
from auditor.model import Article, IngestError

from conftest import FIXTURES, SEEDS

ING = FIXTURES / "ingest"


def read(*paths, **opts):
    items = list(iter_sources([str(p) for p in paths], IngestOptions(**opts)))
    return ([a for a in items if isinstance(a, Article)],
            [e for e in items if isinstance(e, IngestError)])


def check_offsets(a: Article):
    for ln in a.lines:
        assert a.text[ln.start:ln.end] == ln.text
        assert ln.text == ln.text.strip() and ln.text


def test_seed_text_file_reads_whole_file_with_file_lines():
    arts, errs = read(SEEDS / "000_51063113c359c1fa.txt")
    assert not errs
    a = arts[0]
    check_offsets(a)
    raw = (SEEDS / "000_51063113c359c1fa.txt").read_text(encoding="utf-8")
    assert a.text == raw
    assert a.title.startswith("BREAKING: Ceasefire on the Table")
    assert a.title_line == 0 and a.lines[0].file_line == 1
    # the repeated headline stands on line 3 of the file
    assert a.lines[1].file_line == 3
    assert raw.splitlines()[a.lines[1].file_line - 1] == a.lines[1].text


def test_folder_ids_are_relative_paths_in_sorted_order():
    arts, errs = read(SEEDS)
    assert not errs
    assert [a.id for a in arts] == sorted(os.listdir(SEEDS))
    assert all(a.path.startswith(str(SEEDS)) for a in arts)


def test_markdown_front_matter():
    arts, errs = read(ING / "frontmatter.md")
    assert not errs
    a = arts[0]
    check_offsets(a)
    assert a.title == "Council approves \u2013 the \u201cnew\u201d budget"
    assert a.outlet == "Springfield Gazette"
    assert a.url == "https://example.org/budget"
    assert a.published == "2024-03-05"
    assert a.meta["published_from"] == "front-matter"
    # the body starts after the front matter, offsets are those of the file
    assert a.lines[0].file_line == 7
    assert a.text[a.lines[0].start:].startswith("# Council approves")


def test_html_metadata_and_visible_blocks():
    arts, errs = read(ING / "page.html")
    assert not errs
    a = arts[0]
    check_offsets(a)
    assert a.title == "Floods close the coastal road & rail line"
    assert a.outlet == "Example News"
    assert a.published == "2024-11-21T08:30:00Z"
    assert a.url == "https://news.example.com/floods"
    texts = [ln.text for ln in a.lines]
    assert "Heavy rain flooded the coastal road on Thursday, the transport agency said." in texts
    assert "Trains will not run until Monday \u2014 at the earliest." in texts
    assert "First point" in texts and "Second point" in texts
    joined = "\n".join(texts)
    for hidden in ("tracking", "color: red", "editor's comment", "nope"):
        assert hidden not in joined
    # the headline is the h1, found in the visible text
    assert a.headline.text == a.title
    src = (ING / "page.html").read_text().splitlines()
    para = next(ln for ln in a.lines if ln.text.startswith("Heavy rain"))
    assert "Heavy rain" in src[para.file_line - 1]


def test_html_json_ld_date_and_title_without_h1():
    arts, errs = read(ING / "jsonld.html")
    a = arts[0]
    assert a.published == "2023-06-01T10:00:00+00:00"
    assert a.meta["published_from"] == "html:json-ld"
    assert a.title == "Markets rally on rate hopes"
    assert a.headline.text == a.title  # given a line of its own


def test_jsonl_reads_good_lines_and_reports_bad_ones():
    arts, errs = read(ING / "records.jsonl")
    assert [a.id for a in arts] == ["a1", "a2", "a4"]
    a1, a2, a4 = arts
    assert a1.outlet == "Wire One" and a1.published == "2024-05-01"
    assert a2.outlet == "Wire Two" and a2.published == "2024-05-02"
    assert a2.text.endswith("Only a body field here.")
    assert all(ln.file_line == 1 for ln in a1.lines)
    assert all(ln.file_line == 5 for ln in a4.lines)
    for a in arts:
        check_offsets(a)
        assert a.headline.text == a.title
    kinds = {(e.line, e.kind) for e in errs}
    assert (3, "json") in kinds and (4, "json") in kinds
    assert any("no text" in e.message for e in errs)


def test_field_mapping():
    arts, errs = read(ING / "records.jsonl", fields={"text": "summary", "title": "headline"})
    assert [a.id for a in arts] == ["a3"]
    assert a3_text(arts[0]) == "nothing"


def a3_text(a):
    return a.lines[-1].text


def test_json_list_with_record_lines():
    arts, errs = read(ING / "list.json")
    assert not errs
    assert [a.id for a in arts] == ["x1", "x2"]
    assert arts[0].lines[0].file_line == 2 and arts[1].lines[0].file_line == 3


def test_stdin_jsonl():
    data = b'{"title": "From stdin", "text": "Body text."}\nnot json\n'
    items = list(iter_sources(["-"], IngestOptions(), stdin=io.BytesIO(data)))
    arts = [a for a in items if isinstance(a, Article)]
    errs = [e for e in items if isinstance(e, IngestError)]
    assert arts[0].title == "From stdin" and arts[0].path == "<stdin>"
    assert errs[0].line == 2 and errs[0].path == "<stdin>"


@pytest.mark.parametrize("name,kind", [
    ("bad-utf8.txt", "encoding"), ("image.txt", "binary"), ("empty.txt", "empty"),
    ("blank.txt", "empty"),
])
def test_bad_files_become_errors(name, kind):
    arts, errs = read(ING / name)
    assert not arts
    assert [e.kind for e in errs] == [kind]
    assert str(ING / name) in str(errs[0])


def test_invalid_utf8_names_the_line():
    _, errs = read(ING / "bad-utf8.txt")
    assert errs[0].line == 3 and "line 3" in errs[0].message


def test_missing_path_and_too_large(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Headline\n\n" + "word " * 1000)
    arts, errs = read(tmp_path / "nope.txt", big, max_bytes=1000)
    assert not arts
    assert [e.kind for e in errs] == ["missing", "too-large"]


def test_unreadable_file(tmp_path):
    loop = tmp_path / "loop.txt"
    os.symlink(loop, loop)            # reading it fails with "too many levels of symbolic links"
    _, errs = read(loop)
    assert [e.kind for e in errs] == ["unreadable"]
    assert "cannot read" in errs[0].message


def test_malformed_html_is_still_read(tmp_path):
    f = tmp_path / "broken.html"
    f.write_text("<html><body><p>Unclosed <b>bold <div>text & more</p></span>")
    arts, errs = read(f)
    assert not errs
    assert "text & more" in arts[0].text


def test_include_exclude_globs(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("One\n\nBody one.")
    (tmp_path / "a" / "two.md").write_text("Two\n\nBody two.")
    (tmp_path / "skip.txt").write_text("Skip\n\nBody.")
    (tmp_path / "notes.csv").write_text("not an article")
    arts, _ = read(tmp_path)
    assert [a.id for a in arts] == ["a/one.txt", "a/two.md", "skip.txt"]
    arts, _ = read(tmp_path, include=("a/*",))
    assert [a.id for a in arts] == ["a/one.txt", "a/two.md"]
    arts, _ = read(tmp_path, exclude=("*.md", "skip.txt"))
    assert [a.id for a in arts] == ["a/one.txt"]


def test_invalid_front_matter_reads_body_and_reports(tmp_path):
    f = tmp_path / "fm.md"
    f.write_text("---\ntitle: [unclosed\n---\nHeadline\n\nBody.\n")
    arts, errs = read(f)
    assert arts and arts[0].title == "Headline"
    assert errs[0].kind == "front-matter"
