"""Reused passages between articles: winnowed n-gram index, rapidfuzz alignment, spans on both sides."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from auditor.checks import reuse
from auditor.engine.pipeline import AuditOptions, audit

from conftest import FIXTURES, SEEDS

BBC = FIXTURES / "duplicates" / "bbc"


def _jsonl(path: Path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _text(aid: str) -> str:
    return (BBC / aid).read_text(encoding="utf-8")


def test_bbc_reuse_both_sides_with_spans(tmp_path, ruleset):
    res = audit([str(BBC / "business-059.txt"), str(BBC / "business-196.txt")], ruleset,
                AuditOptions())
    found = [f for f in res.findings if f.rule == "reuse.passage"]
    assert not [c for c in res.clusters if c.kind == "near-duplicate"]       # the rest differs
    by_side = {}
    for f in found:
        by_side.setdefault(Path(f.article).name, []).append(f)
    assert set(by_side) == {"business-059.txt", "business-196.txt"}
    assert len(by_side["business-059.txt"]) == len(by_side["business-196.txt"]) == 2
    texts = {a: _text(a) for a in by_side}
    for f in found:
        assert texts[Path(f.article).name][f.start:f.end] == f.text
        rel = f.related[0]
        assert texts[Path(rel["article"]).name][rel["start"]:rel["end"]] == rel["text"]
        assert f.evidence["other"] == rel["article"] != f.article
        assert f.evidence["basis"] == "first-seen" and Path(f.evidence["seen_first"]).name == "business-059.txt"
        assert f.evidence["role"] == ("source" if f.article.endswith("business-059.txt") else "copy")
    worldcom = [f for f in by_side["business-196.txt"] if "WorldCom emerged" in f.text][0]
    assert "On Monday, MCI agreed" in worldcom.text and "Last week, MCI agreed" in worldcom.related[0]["text"]
    assert worldcom.evidence["sentences"] == 2 and not worldcom.evidence["exact"]
    assert 0.88 <= worldcom.evidence["similarity"] < 1


WIRE = ("The central bank raised its main interest rate by a quarter of a percentage point on Thursday, "
        "citing stubborn inflation in services. Governor Ana Ruiz said further increases could not be "
        "ruled out if wage growth stayed strong through the spring.")


def test_published_first_side(tmp_path, ruleset):
    a = ("Rates rise again\n\nMarkets had expected the move for weeks after a run of strong data.\n\n" + WIRE +
         "\n\nBanks are expected to pass the increase to mortgage holders within days.")
    b = ("Borrowers face higher costs\n\nFamilies in the north say they are already struggling with bills "
         "and rent.\n\n" + WIRE.replace("on Thursday", "this week") +
         "\n\nCharities warned that more households would fall behind on payments this winter.")
    _jsonl(tmp_path / "a.jsonl", [
        {"id": "copy", "title": "Borrowers face higher costs", "published": "2024-03-08", "text": b},
        {"id": "wire", "title": "Rates rise again", "published": "2024-03-07", "text": a},
    ])
    res = audit([str(tmp_path / "a.jsonl")], ruleset, AuditOptions())
    found = {f.article: f for f in res.findings if f.rule == "reuse.passage"}
    assert set(found) == {"copy", "wire"}
    c, w = found["copy"], found["wire"]
    assert c.evidence["published_first"] == w.evidence["published_first"] == "wire"
    assert c.evidence["role"] == "copy" and w.evidence["role"] == "source"
    assert c.severity.value == "warning" and w.severity.value == "info"
    assert "wire was published first (2024-03-07)" in c.message
    assert c.evidence["sentences"] == 2 and c.evidence["words"] >= 30
    assert c.related[0]["article"] == "wire" and c.related[0]["text"] == w.text


def test_near_duplicates_are_not_reuse(ruleset):
    res = audit([str(BBC / "business-007.txt"), str(BBC / "business-253.txt")], ruleset,
                AuditOptions())
    assert [f.rule for f in res.findings if f.rule.startswith(("reuse", "duplicate.near"))] == \
        ["duplicate.near-article"]


def test_seeds_share_no_passage(ruleset):
    res = audit([str(SEEDS)], ruleset, AuditOptions())
    assert not [f for f in res.findings if f.rule == "reuse.passage"]


def test_candidate_pairs_skip_stock_phrases():
    f = [np.array([1, 2, 3, 9], np.uint64), np.array([1, 2, 9], np.uint64), np.array([3, 9], np.uint64),
         np.array([9, 10], np.uint64)]
    assert reuse.candidate_pairs(f, 2, 3) == {(0, 1): 2}            # 9 is in 4 articles: not indexed
    assert reuse.candidate_pairs(f, 2, 10) == {(0, 1): 3, (0, 2): 2}
    assert reuse.candidate_pairs(f, 1, 3) == {(0, 1): 2, (0, 2): 1}


def test_winnowing_guarantee():
    from auditor.checks import _sketch as sk
    rng = np.random.default_rng(1)
    shared = [f"s{i}" for i in range(15)]                     # ngram + window - 1 words
    a = [f"a{i}" for i in rng.integers(0, 10**6, 200)] + shared + [f"a{i}" for i in range(50)]
    b = [f"b{i}" for i in range(80)] + shared + [f"b{i}" for i in rng.integers(0, 10**6, 300)]
    fa = sk.winnow(sk.ngram_hashes(sk.token_hashes(a), 8), 8)
    fb = sk.winnow(sk.ngram_hashes(sk.token_hashes(b), 8), 8)
    assert len(np.intersect1d(fa, fb)) >= 1
    assert len(fa) < 0.4 * len(a)


PROMO = ("Every weekday morning our editors pick the five stories you need to read, with the context "
         "behind them and a look at what comes next in Washington.")


def _story(n: int) -> str:
    topics = ["The city council approved a new budget for schools after a long night of debate",
              "Farmers in the valley expect a poor harvest this year because the spring was dry",
              "The museum reopened its west wing with a show of early photographs from the port",
              "A new ferry line will link the two islands from June, the transport office said"]
    return f"{topics[n]} on Tuesday, officials said.\n\n{PROMO}\n"


def test_passage_one_outlet_prints_everywhere_is_boilerplate_not_reuse(tmp_path, ruleset):
    recs = [{"id": f"d{i}", "title": f"Story {i}", "outlet": "Daily Example", "text": _story(i)}
            for i in range(3)]
    recs.append({"id": "o1", "title": "Other", "outlet": "Other Paper", "text": _story(3)})
    p = tmp_path / "feed.jsonl"
    _jsonl(p, recs[:3])
    res = audit([str(p)], ruleset, AuditOptions())
    assert not [f for f in res.findings if f.rule == "reuse.passage"]
    rec = [f for f in res.findings if f.rule == "boilerplate.recurring"]
    assert sorted(f.article for f in rec) == ["d0", "d1", "d2"]
    assert all(f.text == PROMO and f.evidence["recurrence"] == 3 for f in rec)
    # printed by another outlet too: that is reuse, reported as such
    _jsonl(p, recs[:2] + recs[3:])
    res = audit([str(p)], ruleset, AuditOptions())
    assert {f.article for f in res.findings if f.rule == "reuse.passage"} == {"d0", "d1", "o1"}
    assert not [f for f in res.findings if f.rule == "boilerplate.recurring"]


NOTE = ("The Daily Example's coverage of the coast is funded in part by the Harbour Trust, "
        "which has no say over what its reporters write.")
RECYCLED = ("The minister said the plan would be published before the end of the month, "
            "and the opposition has already promised to fight it in parliament.")
STORIES = [
    ["Fishing boats stayed in port for a third day as storms battered the northern coast.",
     "Harbour masters said waves of six metres had been recorded off the point on Monday night.",
     "Several families in low streets were moved to the school hall as a precaution.",
     "The weather service expects the wind to ease by Thursday afternoon."],
    ["The regional hospital will open a new maternity ward next spring after years of delay.",
     "Doctors had warned that mothers were being sent two hours away to give birth.",
     "Building work is due to begin in April once the last permits are signed.",
     "Campaigners welcomed the news but said staffing remained the real problem."],
    ["A rare orchid has been found growing beside a motorway verge near the old quarry.",
     "Botanists from the university confirmed the find after a walker posted photographs.",
     "The stretch of verge will now be left unmown until the end of the flowering season.",
     "Road crews have been asked to keep their machines away from the site."],
]


def _long_story(n: int, extra: str, at_end: bool) -> str:
    paras = list(STORIES[n])
    paras.insert(len(paras) if at_end else 2, extra)
    return "\n\n".join(paras)


def test_outlet_furniture_needs_the_look_of_furniture(tmp_path, ruleset):
    """One outlet printing the same passage 3 times: a closing note is furniture, a story
    sentence recycled mid-article (no address to the reader) stays reuse."""
    p = tmp_path / "feed.jsonl"
    _jsonl(p, [{"id": f"b{i}", "title": f"Story {i}", "outlet": "Daily Example", "text": _long_story(i, NOTE, True)}
               for i in range(3)])
    res = audit([str(p)], ruleset, AuditOptions())
    assert sorted(f.article for f in res.findings if f.rule == "boilerplate.recurring") == ["b0", "b1", "b2"]
    assert not [f for f in res.findings if f.rule == "reuse.passage"]
    _jsonl(p, [{"id": f"r{i}", "title": f"Story {i}", "outlet": "Daily Example", "text": _long_story(i, RECYCLED, False)}
               for i in range(3)])
    res = audit([str(p)], ruleset, AuditOptions())
    assert not [f for f in res.findings if f.rule == "boilerplate.recurring"]
    assert {f.article for f in res.findings if f.rule == "reuse.passage"} == {"r0", "r1", "r2"}


def test_furniture_cues_ignore_quotations(ruleset):
    from auditor.checks.reuse import Params, furniture_test
    from auditor.model import Finding, Severity
    looks = furniture_test(Params.from_ruleset(ruleset), {"a": "x\n" * 10}.get)

    def f(text: str) -> list[Finding]:
        return [Finding("reuse.passage", Severity.WARNING, "a", 1, 1, 0, 1, text, "")]
    assert looks(f("Sign up for our morning briefing and get the news in your inbox."))
    assert looks(f("Editor's note: this story has been updated."))
    assert not looks(f("“We will not give up our land,” the mayor said on Tuesday."))


def test_star_pairs_align_a_widely_shared_passage_against_its_first_article():
    from auditor.checks.reuse import candidate_pairs
    shared = np.arange(100, 110, dtype=np.uint64)            # one passage's fingerprints
    fps = [np.concatenate([shared, np.array([1000 + 10 * k + x for x in range(5)], np.uint64)])
           for k in range(5)]
    fps.append(np.array([1, 2, 3], np.uint64))               # unrelated
    every = candidate_pairs(fps, 2, 40)
    star = candidate_pairs(fps, 2, 40, star=True)
    assert sorted(every) == [(i, j) for i in range(5) for j in range(i + 1, 5)]
    assert sorted(star) == [(0, j) for j in range(1, 5)] and all(v == 10 for v in star.values())
    # two articles: one pair either way; over max_postings: none
    assert candidate_pairs(fps[:2], 2, 40, star=True) == candidate_pairs(fps[:2], 2, 40) == {(0, 1): 10}
    assert candidate_pairs(fps, 2, 4, star=True) == {}


def test_candidate_pairs_grouped_by_slices_of_the_hash_space_find_the_same(monkeypatch):
    """Fingerprints are grouped a slice of the hash space at a time on large corpora (to bound
    memory); the pairs and their counts are the same as grouping them all at once."""
    from auditor.checks import reuse
    rng = np.random.default_rng(7)
    pool = rng.integers(0, 2**63, 400, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    fps = [np.unique(rng.choice(pool, 60)) for _ in range(40)]     # shared values, all high bits
    fps.append(np.zeros(0, np.uint64))
    whole = reuse.candidate_pairs(fps, 2, 40), reuse.candidate_pairs(fps, 2, 10, star=True)
    assert len(whole[0]) > 100 and whole[1]
    monkeypatch.setattr(reuse, "PART_HASHES", 64)            # 2,400 fingerprints: 64 slices
    assert (reuse.candidate_pairs(fps, 2, 40), reuse.candidate_pairs(fps, 2, 10, star=True)) == whole
    backwards = [f[::-1] for f in fps]                       # not sorted: sorted first
    assert reuse.candidate_pairs(backwards, 2, 40) == whole[0]


def test_alignment_holding_one_article_at_a_time_finds_the_same(tmp_path, ruleset, monkeypatch):
    """The sentences of the articles to align wait in a spool and only the most recently used
    are held: holding a single one gives the same findings as holding them all."""
    recs = [{"id": f"w{i}", "title": f"Wire story {i}", "outlet": f"Paper {i}",
             "text": "\n\n".join(STORIES[i % 3][:2] + [WIRE] + STORIES[i % 3][2:]
                                 + ([RECYCLED] if i % 2 else []))} for i in range(6)]
    _jsonl(tmp_path / "feed.jsonl", recs)

    def found():
        res = audit([str(tmp_path / "feed.jsonl")], ruleset, AuditOptions())
        return [f.to_dict() for f in res.findings if f.rule == "reuse.passage"]
    wide = found()
    monkeypatch.setattr(reuse, "UNITS_HELD", 1)
    monkeypatch.setattr(reuse, "ARTICLES_HELD", 1)
    assert found() == wide and len({f["article"] for f in wide}) == 6


def test_alignment_on_forked_workers_finds_the_same_in_the_same_order(tmp_path, ruleset,
                                                                       monkeypatch):
    """With two jobs the corpus stage computes sentences and aligns pairs on forked worker
    processes, a batch per task; the findings are those of one job, in the same order."""
    recs = [{"id": f"w{i}", "title": f"Wire story {i}", "outlet": f"Paper {i}",
             "text": "\n\n".join(STORIES[i % 3][:2] + [WIRE] + STORIES[i % 3][2:]
                                 + ([RECYCLED] if i % 2 else []))} for i in range(6)]
    _jsonl(tmp_path / "feed.jsonl", recs)
    calls = []
    real = reuse.parallel_map

    def counted(cctx, fn, items):
        items = list(items)
        calls.append((cctx.map is not None, len(items)))
        return real(cctx, fn, items)
    monkeypatch.setattr(reuse, "parallel_map", counted)
    monkeypatch.setattr(reuse, "BATCH", 1)          # a task per article and per pair

    def found(jobs):
        res = audit([str(tmp_path / "feed.jsonl")], ruleset, AuditOptions(jobs=jobs))
        return [f.to_dict() for f in res.findings if f.rule == "reuse.passage"]
    one = found(1)
    assert calls and not any(forked for forked, _ in calls)
    calls.clear()
    two = found(2)
    assert calls and all(forked for forked, _ in calls) and all(n > 1 for _, n in calls)
    assert two == one and len({f["article"] for f in one}) == 6


def test_params_are_the_packs_settings_with_no_default_of_their_own(tmp_path):
    import dataclasses
    from auditor.checks.reuse import Params
    from auditor.rules import load_ruleset
    assert all(f.default is dataclasses.MISSING for f in dataclasses.fields(Params))
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "reuse.yaml").write_text("kind: reuse\nversion: 1\nsettings:\n  min_words: 20\n  star_pairs: false\n"
                                     "entries: []\n")
    p, d = Params.from_ruleset(load_ruleset([str(mine)])), Params.from_ruleset(load_ruleset())
    assert (p.min_words, p.star_pairs, d.min_words, d.star_pairs) == (20, False, 12, True)
    assert p.ngram == d.ngram == 8 and isinstance(p.furniture_cues, tuple) and p.furniture_cues
