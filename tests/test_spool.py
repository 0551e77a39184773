"""The article spool: the corpus stage reads articles back from disk, not from the sources."""
from __future__ import annotations

import os
import shutil

from auditor.ingest import IngestOptions, iter_sources
from auditor.engine.pipeline import AuditOptions, audit
from auditor.ingest.prepare import locate_headline
from auditor.spool import ArticleSpool, Spool, pack, unpack

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


def test_spooled_list_behaves_like_the_list_it_holds(tmp_path):
    from auditor.spool import SpooledList
    items = [{"id": f"a{i}", "title": "Kyiv – «Київ» " * (i % 5), "n": i} for i in range(600)]
    sl = SpooledList(items[:10], directory=str(tmp_path))
    for x in items[10:]:
        sl.append(x)
    assert len(sl) == 600
    assert list(sl) == items and list(sl) == items          # read back as often as wanted
    assert sl[0] == items[0] and sl[-1] == items[-1] and sl[257] == items[257]
    assert sl[5:9] == items[5:9] and sl[::200] == items[::200]
    try:
        sl[600]
        raise AssertionError("no IndexError")
    except IndexError:
        pass
    sl.close()
    assert os.listdir(tmp_path) == []


def test_finding_store_yields_the_order_of_a_stable_sort_of_the_whole_list(tmp_path):
    import random
    from auditor.model import Finding, Severity
    from auditor.spool import FindingStore

    rng = random.Random(7)
    ids = [f"art{i}" for i in range(700)]            # more articles than one read batch
    seq = iter(range(10 ** 6))

    def finding(aid):
        line = rng.randint(1, 4)                      # few distinct keys: ties are common
        return Finding(rule=rng.choice(["duplicate.line", "reuse.passage"]),
                       severity=Severity.WARNING, article=aid, line=line, column=1, start=line,
                       end=line + 1, text="x", message="same", evidence={"n": next(seq)})

    store, everything = FindingStore(str(tmp_path)), []
    for aid in ids:
        own = sorted((finding(aid) for _ in range(rng.randint(0, 4))), key=Finding.sort_key)
        if rng.random() < 0.05:                      # a finding on another article
            own.append(finding(rng.choice(ids)))
        store.add(aid, own)
        everything.extend(own)
    extra = [finding(rng.choice(ids + ["<corpus>", "archived-1"])) for _ in range(400)]
    store.add_extra(extra)
    everything.extend(extra)
    order = {aid: k for k, aid in enumerate(ids)}
    want = sorted(everything, key=lambda f: (order.get(f.article, len(order)),) + f.sort_key())
    got = list(store)
    assert len(store) == len(everything) == len(got)
    assert [(f.article, f.evidence["n"]) for f in got] == [(f.article, f.evidence["n"]) for f in want]
    k = next(i for i, f in enumerate(got) if not any(f is e for e in extra))
    got[k].suppressed = True                         # what was read back from disk is a copy
    assert list(store)[k].suppressed is False
    store.close()
    assert os.listdir(tmp_path) == []


def test_audit_results_are_read_back_from_disk_and_re_iterable(ruleset):
    res = audit([str(SEEDS)], ruleset, AuditOptions())
    first, second = list(res.findings), list(res.findings)
    assert first and [f.to_dict() for f in first] == [f.to_dict() for f in second]
    assert len(res.findings) == len(first) == res.summary()["findings"] + res.summary()["suppressed"]
    assert len(res.articles) == 5 and [r["id"] for r in res.articles] == [r["id"] for r in res.articles[:]]
    assert all("_suppress" not in r and "attributions" in r for r in res.articles)


_SPOOL_IN_CHILD: list = []         # the spool a forked child reads (set before the fork)


def test_a_forked_process_reads_what_the_parent_wrote_and_left_buffered():
    """Blobs still in the write buffer at a fork are flushed first, and the child's reads
    (os.pread) do not move the parent's file position."""
    import multiprocessing as mp
    sp = Spool()
    sp.add("a", b"first")
    sp.blob("a")                        # flushed once
    sp.add("b", b"second" * 100)        # still buffered when the child is forked
    _SPOOL_IN_CHILD[:] = [sp]          # the child sees it as it was at the fork
    with mp.get_context("fork").Pool(1) as pool:
        got = pool.apply(_read_in_child)
    assert got == [b"first", b"second" * 100]
    sp.add("c", b"third")
    assert sp.blob("a") == b"first" and sp.blob("c") == b"third" and sp.blob("b") == b"second" * 100
    sp.close()


def _read_in_child():
    sp = _SPOOL_IN_CHILD[0]
    with open(sp.path, "rb") as fh:         # on disk already, before the child flushes anything
        assert fh.read().endswith(b"second" * 100)
    return [sp.blob("a"), sp.blob("b")]
