"""The article spool: the corpus stage reads articles back from disk, not from the sources."""
from __future__ import annotations

import os
import shutil

from auditor.ingest import IngestOptions, iter_sources
from auditor.pipeline import AuditOptions, audit
from auditor.prepare import locate_headline
from auditor.spool import ArticleSpool, pack, unpack

from conftest import SEEDS


def _articles(ruleset):
    return [locate_headline(a, ruleset) for a in iter_sources([str(SEEDS)], IngestOptions())]


def test_pack_round_trip_keeps_text_lines_and_sketch_data(ruleset):
    for a in _articles(ruleset):
        b, data = unpack(pack(a, {"boilerplate_lines": {3, 1}, "headline_repeats": {2}, "other": 1}))
        assert (b.id, b.path, b.text, b.title, b.title_line, b.body_start, b.outlet, b.url,
                b.published, b.format) == (a.id, a.path, a.text, a.title, a.title_line,
                                           a.body_start, a.outlet, a.url, a.published, a.format)
        assert b.lines == a.lines
        assert b.position(len(a.text) - 1) == a.position(len(a.text) - 1)
        assert data == {"boilerplate_lines": {1, 3}, "headline_repeats": {2}}


def test_spool_gets_by_id_renames_and_removes_its_file(ruleset, tmp_path):
    arts = _articles(ruleset)
    sp = ArticleSpool(str(tmp_path))
    for a in arts:
        sp.add(a.id, pack(a))
    sp.rename(arts[0].id, "again#2")
    got = sp.get(["again#2", arts[1].id, "missing"])
    assert set(got) == {"again#2", arts[1].id}
    assert got["again#2"][0].id == "again#2" and got["again#2"][0].text == arts[0].text
    assert os.path.exists(sp.path)
    sp.close()
    assert not os.path.exists(sp.path)


def test_corpus_stage_reads_articles_from_the_spool_not_the_sources(ruleset, tmp_path):
    src = tmp_path / "in"
    shutil.copytree(SEEDS, src)
    res = audit([str(src)], ruleset, AuditOptions())
    texts = {a.id: a.text for a in iter_sources([str(src)], IngestOptions())}
    assert set(texts) == {r["id"] for r in res.articles}
    shutil.rmtree(src)                      # the sources are gone: only the spool has them
    back = res.load(list(texts))
    assert {aid: a.text for aid, a in back.items()} == texts


def test_blob_spool_returns_what_was_added_in_any_order(tmp_path):
    from auditor.spool import Spool
    sp = Spool(str(tmp_path))
    blobs = {f"k{i}": bytes([i]) * (i * 37 + 1) for i in range(20)}
    for k, b in blobs.items():
        sp.add(k, b)
    assert sp.blob("k7") == blobs["k7"] and sp.blob("missing") is None
    assert dict(sp.blobs(["k19", "k0", "k3", "nope"])) == {k: blobs[k] for k in ("k19", "k0", "k3")}
    sp.add("k20", b"late")                  # adding after reading appends, reads still work
    assert sp.blob("k20") == b"late" and sp.blob("k1") == blobs["k1"] and len(sp) == 21
    sp.close()
    assert not os.path.exists(sp.path)
