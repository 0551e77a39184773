"""The shared fixtures and helpers of conftest.py: ``make_article`` makes what ingest reads, and
``require`` skips with how to install what is missing, or fails under CI=true."""
import dataclasses
import json

import pytest

import conftest
from auditor.ingest import IngestOptions, iter_sources
from auditor.model import Article


def _read(path):
    arts = [a for a in iter_sources([str(path)], IngestOptions()) if isinstance(a, Article)]
    assert len(arts) == 1
    return arts[0]


@pytest.mark.parametrize("text", [
    "Talks resume\n\n  Delegates met on Friday.  \n\n\nThey said little.\n",
    "Menu\n\nTalks resume\n\nDelegates met on Friday.",
    "---\ntitle: Talks resume\noutlet: Herald\npublished: 2024-05-01\n---\n"
    "Menu\n\nTalks resume\n\nBody.\n",
])
def test_an_article_from_text_is_what_the_text_reader_reads_from_a_file(make_article, tmp_path,
                                                                         text):
    path = tmp_path / "story.txt"
    path.write_text(text, encoding="utf-8")
    read = _read(path)
    assert dataclasses.replace(make_article(text, "story.txt"), id=read.id, path=read.path) == read
    assert make_article(text, "story.txt").id == "story.txt"
    assert make_article(text, "story.txt", id="s1").id == "s1"


@pytest.mark.parametrize("body", ["Delegates met on Friday.\n\nThey said little.",
                                  "Talks resume\n\nDelegates met on Friday."])
def test_an_article_with_a_title_is_what_the_json_reader_reads_from_a_record(make_article, tmp_path,
                                                                             body):
    record = {"title": "Talks resume", "text": body, "outlet": "Herald",
              "url": "https://example.org/a", "published": "2024-05-01"}
    path = tmp_path / "story.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    read = _read(path)
    made = make_article(body, "story.json", title="Talks resume", outlet="Herald",
                        url="https://example.org/a", published="2024-05-01")
    assert dataclasses.replace(made, id=read.id, path=read.path) == read
    assert made.format == "json" and made.fields is not None


def test_metadata_without_a_title_is_set_on_the_text_readers_article(make_article):
    plain = make_article("Talks resume\n\nDelegates met on Friday.")
    a = make_article("Talks resume\n\nDelegates met on Friday.", outlet="Herald",
                     published="2024-05-01", meta={"published_from": "html:meta"})
    assert (a.text, a.lines, a.title, a.title_line) == (plain.text, plain.lines, plain.title, 0)
    assert a.outlet == "Herald" and a.published == "2024-05-01"
    assert a.record()["published"] == {"value": "2024-05-01", "provenance": "html:meta"}


def test_the_fixture_is_the_function(make_article):
    assert make_article is conftest.make_article


def test_a_missing_requirement_skips_saying_how_to_install_it(monkeypatch):
    monkeypatch.setattr(conftest, "IN_CI", False)
    conftest.require("thing", True, "apt-get install thing")          # present: nothing happens
    with pytest.raises(pytest.skip.Exception, match="apt-get install thing"):
        conftest.require("thing", False, "apt-get install thing")
    with pytest.raises(pytest.skip.Exception, match=r"no-such-program.*apt-get install it"):
        conftest.require_program("no-such-program-i22", "apt-get install it")
    with pytest.raises(pytest.skip.Exception, match=r"no_such_module.*pip install -e '\.\[test\]'"):
        conftest.require_module("no_such_module_i22", "pip install -e '.[test]'")


def test_a_missing_requirement_fails_under_ci(monkeypatch):
    monkeypatch.setattr(conftest, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI=true.*apt-get install thing"):
        conftest.require("thing", False, "apt-get install thing")
    with pytest.raises(pytest.fail.Exception, match="no-such-program"):
        conftest.require_program("no-such-program-i22", "apt-get install it")

