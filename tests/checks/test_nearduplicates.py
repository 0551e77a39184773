"""Near-duplicate articles (MinHash LSH, verified by exact Jaccard) and repeated headlines."""
from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from auditor.checks import _sketch as sk
from auditor.checks import nearduplicates as nd
from auditor.engine.pipeline import AuditOptions, audit

from conftest import FIXTURES, SEEDS

BBC = FIXTURES / "duplicates" / "bbc"


@pytest.fixture(scope="module")
def bbc(ruleset):
    return audit([str(BBC)], ruleset, AuditOptions())


def _clusters(result, kind):
    return sorted(sorted(Path(m["article"]).stem for m in c.members)
                  for c in result.clusters if c.kind == kind)


def test_no_near_duplicates_among_seeds(ruleset):
    res = audit([str(SEEDS)], ruleset, AuditOptions())
    assert not [c for c in res.clusters if c.kind in ("near-duplicate", "headline")]
    assert not [f for f in res.findings if f.rule in ("duplicate.near-article", "duplicate.headline-corpus")]


def test_bbc_real_duplicates_found(bbc):
    assert _clusters(bbc, "near-duplicate") == [
        ["business-007", "business-253"], ["politics-226", "politics-265"], ["tech-043", "tech-326"]]
    sims = {tuple(sorted(Path(m["article"]).stem for m in c.members)): c.similarity
            for c in bbc.clusters if c.kind == "near-duplicate"}
    assert sims[("business-007", "business-253")] == 1.0
    assert 0.7 <= sims[("tech-043", "tech-326")] < 0.8


def test_near_duplicate_findings_name_original(bbc):
    found = [f for f in bbc.findings if f.rule == "duplicate.near-article"]
    assert len(found) == 3
    for f in found:
        ev = f.evidence
        orig = ev["original"]
        assert orig != f.article and ev["basis"] == "first-seen"
        assert f.related and f.related[0]["article"] == orig
        assert ev["measure"].startswith("exact Jaccard") and 0.7 <= ev["similarity"] <= 1
        # the finding sits on the later member's headline line
        text = (BBC / f.article.split("/")[-1]).read_text(encoding="utf-8")
        assert text[f.start:f.end] == f.text == text.splitlines()[0]
    for c in bbc.clusters:
        assert sum(m["original"] for m in c.members) == 1


def test_headline_corpus(bbc):
    assert _clusters(bbc, "headline") == [["business-007", "business-253"], ["business-119", "business-137"],
                                          ["politics-226", "politics-265"], ["tech-043", "tech-326"]]
    f = next(f for f in bbc.findings if f.rule == "duplicate.headline-corpus" and "137" in f.article)
    assert f.text == "Bank set to leave rates on hold"
    assert f.related[0]["text"] == "Bank opts to leave rates on hold"
    assert 0.9 <= f.evidence["similarity"] < 1.0


def _jsonl(path: Path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_earliest_published_is_original(tmp_path, ruleset):
    body = (BBC / "politics-226.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    body2 = (BBC / "politics-265.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    _jsonl(tmp_path / "a.jsonl", [
        {"id": "late", "title": "A", "published": "2005-03-02", "text": body},
        {"id": "early", "title": "B", "published": "2005-03-01", "text": body2},
    ])
    res = audit([str(tmp_path / "a.jsonl")], ruleset, AuditOptions())
    f = [f for f in res.findings if f.rule == "duplicate.near-article"]
    assert len(f) == 1 and f[0].article == "late" and f[0].evidence["original"] == "early"
    assert f[0].evidence["basis"] == "published" and "2005-03-01" in f[0].message


def test_boilerplate_left_out_of_the_sketch(tmp_path, ruleset):
    """Same footer, different bodies: not near-duplicates. Same body, other boilerplate: J = 1."""
    a = (BBC / "business-001.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    b = (BBC / "business-002.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    footer = ("\n\nRelated Posts\n\nLeave a Reply\n\nYour email address will not be published. "
              "Required fields are marked *\n\nSupport the Herald or become our patron!\n")
    _jsonl(tmp_path / "a.jsonl", [
        {"id": "x1", "title": "One", "text": a[:300] + footer},
        {"id": "x2", "title": "Two", "text": b[:300] + footer},
        {"id": "y1", "title": "Three", "text": "Menu Close\n\n" + a},
        {"id": "y2", "title": "Four", "text": a + "\n\nRead more\n\nShare on Facebook\n"},
    ])
    res = audit([str(tmp_path / "a.jsonl")], ruleset, AuditOptions())
    cl = [c for c in res.clusters if c.kind == "near-duplicate"]
    assert len(cl) == 1
    assert {m["article"] for m in cl[0].members} == {"y1", "y2"} and cl[0].similarity == 1.0


def test_lsh_is_blocking_not_all_pairs(monkeypatch, ruleset):
    calls = []
    real = nd.verify
    monkeypatch.setattr(nd, "verify", lambda a, b: calls.append(1) or real(a, b))
    res = audit([str(BBC)], ruleset, AuditOptions())
    n = len(res.articles)
    assert len(calls) <= 4 < n * (n - 1) // 2       # three true pairs (+ at most one near miss)


def test_signature_deterministic_across_processes():
    toks = "the quick brown fox jumps over the lazy dog again and again".split()
    local = nd.signature(toks)
    code = ("import sys,pickle; from auditor.checks import nearduplicates as nd; "
            "sys.stdout.buffer.write(pickle.dumps(nd.signature(%r)))" % toks)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                         env={"PYTHONHASHSEED": "123", "PATH": "/usr/bin"}).stdout
    other = pickle.loads(out)
    assert other.dtype == np.uint32 and np.array_equal(local, other)
    assert nd.band_keys(local) == nd.band_keys(other)
    assert len(pickle.dumps(local)) < 1000


def test_minhash_estimate_tracks_jaccard():
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in rng.integers(0, 5000, 600)]
    a = sk.shingle_hashes(words, 5)
    edited = list(words)
    for i in range(0, 600, 25):
        edited[i] = "changed"
    b = sk.shingle_hashes(edited, 5)
    j = sk.jaccard(a, b)
    h = sk.MinHasher(256, 1)
    est = sk.estimate(h.signature(a), h.signature(b))
    assert 0.5 < j < 0.9 and abs(est - j) < 0.1


def test_one_permutation_minhash_fills_every_bin_and_tracks_jaccard_on_short_texts():
    """Short bodies leave most of the 128 bins empty; densification must fill them from the
    article's own shingles, so an estimate still follows the exact Jaccard."""
    rng = np.random.default_rng(11)
    h = sk.MinHasher(128, 1)
    errs = []
    for _ in range(60):
        words = [f"w{i}" for i in rng.integers(0, 50000, 24)]        # 20 shingles
        edited = list(words)
        edited[int(rng.integers(0, 24))] = "changed"
        a, b = sk.shingle_hashes(words, 5), sk.shingle_hashes(edited, 5)
        sa, sb = h.signature(a), h.signature(b)
        assert not (sa == np.iinfo(np.uint32).max).any()
        assert np.array_equal(sa, h.signature(a.copy())) and np.array_equal(sa, sk.MinHasher(128, 1).signature(a))
        assert not np.array_equal(sa, sk.MinHasher(128, 2).signature(a))     # the seed matters
        errs.append(sk.estimate(sa, sb) - sk.jaccard(a, b))
    assert abs(np.mean(errs)) < 0.03 and np.std(errs) < 0.08
    # a disjoint set shares (almost) no bin
    other = sk.shingle_hashes([f"v{i}" for i in range(24)], 5)
    assert sk.estimate(h.signature(a), h.signature(other)) < 0.1


def test_candidate_pairs_from_band_keys():
    keys = np.array([[1, 2, 3], [4, 2, 6], [7, 8, 9], [10, 11, 9], [12, 13, 14]], dtype=np.int64)
    # band keys are compared within a band only because each key folds in its band index
    assert nd.candidate_pairs(keys) == {(0, 1), (2, 3)}
    assert nd.clusters(5, [(0, 1), (1, 4)]) == [[0, 1, 4]]


def test_jobs_do_not_change_output(ruleset):
    one = audit([str(BBC)], ruleset, AuditOptions(jobs=1))
    two = audit([str(BBC)], ruleset, AuditOptions(jobs=2))
    assert [c.to_dict() for c in one.clusters] == [c.to_dict() for c in two.clusters]
    assert [f.to_dict() for f in one.findings] == [f.to_dict() for f in two.findings]
