"""The same report whatever runs the per-article stage: serial, a process pool, or Dask."""
import json

from auditor.ingest import IngestOptions, plan_units, read_unit, iter_sources
from auditor.model import Article
from auditor.engine.pipeline import AuditOptions, audit

from conftest import FIXTURES, SEEDS, validate_report

INPUTS = [str(SEEDS), str(FIXTURES / "ingest")]


def report(ruleset, **kw):
    res = audit(INPUTS, ruleset, AuditOptions(**kw))
    data = res.to_dict()
    validate_report(data)
    return json.dumps(data, sort_keys=True)


def test_units_read_the_same_stream_as_iter_sources():
    opts = IngestOptions()
    direct = [a.id if isinstance(a, Article) else str(a) for a in iter_sources(INPUTS, opts)]
    via_units = [a.id if isinstance(a, Article) else str(a)
                 for u in plan_units(INPUTS, opts, records_per_unit=2) for a in read_unit(u, opts)]
    assert direct == via_units and len(direct) > 10


def test_process_pool_matches_serial(ruleset):
    assert report(ruleset, jobs=1) == report(ruleset, jobs=2, chunksize=1)


def test_dask_local_cluster_matches_local_engine(ruleset):
    assert report(ruleset, jobs=1) == report(ruleset, engine="dask", jobs=2)


def test_repeated_ids_are_renamed_the_same_way(tmp_path, ruleset):
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_text('{"id": "same", "title": "A title here", '
                                     '"text": "A title here\\n\\nA title here\\n\\nBody."}\n')
    serial = audit([str(tmp_path)], ruleset, AuditOptions(jobs=1)).to_dict()
    pooled = audit([str(tmp_path)], ruleset, AuditOptions(jobs=2, chunksize=1)).to_dict()
    assert [a["id"] for a in serial["articles"]] == ["same", "same#2"]
    assert serial == pooled
    assert {f["article"] for f in serial["findings"]} == {"same", "same#2"}
    assert any(e["kind"] == "duplicate-id" for e in serial["errors"])


def test_a_failing_check_is_an_error_for_that_article_and_the_run_goes_on(ruleset, monkeypatch):
    from auditor.checks import REGISTRY, ArticleCheck, load_all
    load_all()

    def broken(article, ctx):
        if "000_" in article.id:
            raise ValueError("boom")
        return []

    monkeypatch.setitem(REGISTRY._article, "test.broken", ArticleCheck("test.broken", broken, 99))
    res = audit([str(SEEDS)], ruleset, AuditOptions(jobs=1))
    errs = [e for e in res.errors if e.kind == "check-error" and "test.broken" in e.message]
    assert len(errs) == 1
    assert "check test.broken failed on 000_51063113c359c1fa.txt: ValueError: boom" in errs[0].message
    assert len(res.articles) == 5
    assert any(f.rule == "duplicate.headline" and f.article.startswith("000_") for f in res.findings)


def test_step_timings_name_every_step_and_change_nothing(ruleset, monkeypatch):
    import pickle
    from auditor.checks import REGISTRY, ArticleCheck, load_all
    from auditor.engine.stage import process_article
    reg = load_all()
    arts = [a for a in iter_sources([str(SEEDS)], IngestOptions()) if isinstance(a, Article)]
    plain = [process_article(a, ruleset) for a in arts]
    timings: dict[str, float] = {}
    timed = [process_article(a, ruleset, timings) for a in arts]
    assert [pickle.dumps((r.record, r.findings, r.fingerprints, r.stored)) for r in plain] == \
        [pickle.dumps((r.record, r.findings, r.fingerprints, r.stored)) for r in timed]
    steps = {c.name for c in reg.article_checks()} | {"fingerprint:" + c.name for c in reg.corpus_checks()} | \
        {"prepare", "reliability", "pack", "finish"}
    assert set(timings) == steps and all(v > 0 for v in timings.values())

    def broken(article, ctx):               # a check that fails is timed too, and reported
        raise ValueError("boom")

    monkeypatch.setitem(REGISTRY._article, "test.broken", ArticleCheck("test.broken", broken, 99))
    timings = {}
    res = process_article(arts[0], ruleset, timings)
    assert "test.broken" in timings and any("test.broken" in e.message for e in res.errors)


def test_run_timings_are_gathered_from_every_engine_and_change_nothing(ruleset):
    """``AuditOptions.timings`` (``--timings``): the same steps from the serial engine, the
    process pool and Dask, reading and the corpus checks among them; the same report."""
    from auditor.checks import load_all
    reg = load_all()
    steps = {c.name for c in reg.article_checks()} | {"fingerprint:" + c.name for c in reg.corpus_checks()} | \
        {"read", "prepare", "reliability", "pack", "finish"} | {"corpus:" + c.name for c in reg.corpus_checks()}
    plain = report(ruleset, jobs=1)
    for kw in ({"jobs": 1}, {"jobs": 2, "chunksize": 1}, {"engine": "dask", "jobs": 2}):
        timings: dict[str, float] = {}
        assert report(ruleset, timings=timings, **kw) == plain, kw
        assert set(timings) == steps, (kw, set(timings) ^ steps)
        assert all(v >= 0 for v in timings.values()) and timings["read"] > 0 and \
            timings["attribution.statements"] > 0, kw


def test_dask_groups_band_keys_by_a_shuffle_with_the_same_clusters(ruleset):
    """Real BBC near-duplicates: candidates grouped on the cluster give the local engine's report."""
    from auditor.engine.dask_engine import run_units
    bbc = str(FIXTURES / "duplicates" / "bbc")
    local = audit([bbc], ruleset, AuditOptions(jobs=1))
    assert any(c.kind == "near-duplicate" for c in local.clusters)
    out: dict = {}
    opts = AuditOptions(engine="dask", jobs=2)
    results = list(run_units(plan_units([bbc], opts.ingest), ruleset, opts, out))
    assert out["candidates"]["duplicate.near"], "the shuffle found no candidate pairs"
    assert len([r for r in results if hasattr(r, "record")]) == len(local.articles)
    dask = audit([bbc], ruleset, opts)
    assert json.dumps(dask.to_dict(), sort_keys=True) == json.dumps(local.to_dict(), sort_keys=True)


def test_jsonl_shards_by_url_glob_read_by_the_workers(tmp_path, ruleset):
    """Shards named by an fsspec URL glob: Dask workers read whole shards, same report as local."""
    recs = []
    for p in sorted((FIXTURES / "duplicates" / "bbc").iterdir()):
        title, _, body = p.read_text(encoding="utf-8").partition("\n")
        recs.append(json.dumps({"id": p.stem, "title": title, "text": body.strip(), "outlet": "BBC"}))
    for i in range(4):
        (tmp_path / f"shard-{i}.jsonl").write_text("\n".join(recs[i::4]) + "\n")
    url = f"file://{tmp_path}/shard-*.jsonl"
    units = list(plan_units([url], IngestOptions(), whole_jsonl=True))
    assert [type(u).__name__ for u in units] == ["FileUnit"] * 4
    assert units[0].path == f"file://{tmp_path}/shard-0.jsonl"
    local = audit([url], ruleset, AuditOptions(jobs=1)).to_dict()
    assert len(local["articles"]) == len(recs) and not local["errors"]
    dask = audit([url], ruleset, AuditOptions(engine="dask", jobs=2)).to_dict()
    assert json.dumps(dask, sort_keys=True) == json.dumps(local, sort_keys=True)


def test_missing_url_is_an_error():
    items = list(iter_sources(["file:///nonexistent/dir/*.jsonl"], IngestOptions()))
    assert [e.kind for e in items] == ["missing"]


def test_what_the_main_process_holds_is_frozen_during_the_run_and_handed_back(ruleset, monkeypatch):
    """The fingerprints the main process keeps are moved out of the garbage collector's
    generations as they come (gc.freeze) and handed back when the audit ends; a caller that
    froze objects itself keeps them frozen, and the audit freezes nothing of its own then."""
    import gc
    from auditor.engine import pipeline
    monkeypatch.setattr(pipeline, "FREEZE_EVERY", 2)
    seen: list[int] = []
    plain = report(ruleset, jobs=1)
    assert gc.get_freeze_count() == 0
    res = audit(INPUTS, ruleset, AuditOptions(jobs=1, progress=lambda n: seen.append(gc.get_freeze_count())))
    assert max(seen) > 1000 and seen[0] == 0               # frozen from the second article
    assert gc.get_freeze_count() == 0                      # all handed back
    assert json.dumps(res.to_dict(), sort_keys=True) == plain
    keep = [object() for _ in range(10)]
    gc.freeze()
    try:
        held = gc.get_freeze_count()
        seen.clear()
        audit(INPUTS, ruleset, AuditOptions(jobs=1, progress=lambda n: seen.append(gc.get_freeze_count())))
        # frozen objects that are freed leave the count: it may only shrink
        assert max(seen) <= held and 0 < gc.get_freeze_count() <= held
    finally:
        gc.unfreeze()
    assert keep
