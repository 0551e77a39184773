"""The archive: add, then audit new articles against it; interrupted adds; readers beside a writer."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading

import jsonschema
import pytest

from auditor.archive import open_archive
from auditor.archive.store import ArchiveError, SQLiteArchive, add_articles, check_params, record_for
from auditor.ingest import iter_sources
from auditor.engine.pipeline import AuditOptions, audit
from auditor.rules import load_ruleset

from conftest import FIXTURES, REPORT_SCHEMA, ROOT

BBC = FIXTURES / "duplicates" / "bbc"
OLD = ["business-007.txt", "business-059.txt", "politics-226.txt", "tech-043.txt"]
NEW = ["business-253.txt", "business-196.txt", "politics-265.txt", "tech-326.txt", "business-001.txt"]


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=300)


@pytest.fixture()
def old_new(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    for n in OLD:
        (tmp_path / "old" / n).write_bytes((BBC / n).read_bytes())
    for n in NEW:
        (tmp_path / "new" / n).write_bytes((BBC / n).read_bytes())
    return tmp_path


def _articles(path):
    return [a for a in iter_sources([str(path)]) if hasattr(a, "text")]


def test_round_trip_cli(old_new):
    db = old_new / "archive.db"
    r = cli("archive", "add", str(db), str(old_new / "old"))
    assert r.returncode == 0, r.stderr
    assert "added 4 article(s); 4 in the archive" in r.stdout
    r = cli("audit", str(old_new / "new"), "--archive", str(db), "--format", "json", "-o", "")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(rep)
    arch = {f["article"]: f for f in rep["findings"] if f["rule"] == "duplicate.archived"}
    assert set(arch) == {"business-253.txt", "politics-265.txt", "tech-326.txt"}
    assert arch["business-253.txt"]["evidence"]["archived_id"] == "business-007.txt"
    assert arch["business-253.txt"]["evidence"]["similarity"] == 1.0
    assert 0.7 <= arch["tech-326.txt"]["evidence"]["similarity"] < 0.8
    assert arch["politics-265.txt"]["related"][0]["text"] == "Tories unveil quango blitz plans"
    reuse = [f for f in rep["findings"] if f["rule"] == "reuse.passage"]
    assert {f["article"] for f in reuse} == {"business-196.txt"} and len(reuse) == 2
    old_text = (BBC / "business-059.txt").read_text(encoding="utf-8")
    new_text = (BBC / "business-196.txt").read_text(encoding="utf-8")
    for f in reuse:
        rel = f["related"][0]
        assert rel["article"] == "business-059.txt" and f["evidence"]["against"] == "archive"
        assert old_text[rel["start"]:rel["end"]] == rel["text"]
        assert new_text[f["start"]:f["end"]] == f["text"]
    # nothing for the unrelated article, and no in-corpus near-duplicates among the new ones
    assert not [f for f in rep["findings"] if f["article"] == "business-001.txt"
                and f["rule"].startswith(("duplicate.archived", "reuse."))]
    r = cli("archive", "info", str(db))
    assert r.returncode == 0 and "4 article(s)" in r.stdout and "num_perm: 128" in r.stdout


def test_readding_replaces(tmp_path, ruleset):
    store = SQLiteArchive(str(tmp_path / "a.db"))
    arts = _articles(BBC / "business-007.txt")
    assert add_articles(store, arts, ruleset) == 1
    assert add_articles(store, arts, ruleset) == 1
    assert store.count() == 1
    assert store.db.execute("SELECT COUNT(*) FROM bands").fetchone()[0] == 32
    store.close()


def test_lookups_use_indexes(tmp_path, ruleset):
    store = SQLiteArchive(str(tmp_path / "a.db"))
    add_articles(store, _articles(BBC / "business-007.txt"), ruleset)
    for sql in ("SELECT key, article FROM bands WHERE key IN (?,?)",
                "SELECT hash, article FROM passages WHERE hash IN (?,?)",
                "SELECT key, article FROM headlines WHERE key IN (?,?)",
                "SELECT hash, COUNT(*) FROM lines WHERE outlet = ? AND hash IN (?,?) GROUP BY hash"):
        n = sql.count("?")
        plan = " ".join(r[-1] for r in store.db.execute("EXPLAIN QUERY PLAN " + sql, [1] * n))
        assert "SEARCH" in plan and "SCAN" not in plan, plan
    store.close()


KILLER = r"""
import os, signal, sys
from auditor.archive.store import SQLiteArchive, add_articles
from auditor.ingest import iter_sources
from auditor.rules import load_ruleset
arts = [a for a in iter_sources([sys.argv[2]]) if hasattr(a, "text")]
def gen():
    for i, a in enumerate(arts):
        if i == 2:
            os.kill(os.getpid(), signal.SIGKILL)     # the hardest interruption there is
        yield a
add_articles(SQLiteArchive(sys.argv[1]), gen(), load_ruleset())
"""


def _snapshot(db):
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("articles", "bands", "headlines", "passages", "lines")}, \
            con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def test_interrupted_add_leaves_archive_as_it_was(old_new, ruleset):
    db = str(old_new / "archive.db")
    store = SQLiteArchive(db)
    add_articles(store, _articles(old_new / "old" / "business-007.txt"), ruleset)
    store.close()
    before = _snapshot(db)
    r = subprocess.run([sys.executable, "-c", KILLER, db, str(old_new / "new")], capture_output=True,
                       timeout=300)
    assert r.returncode == -signal.SIGKILL
    after = _snapshot(db)
    assert after == before and after[1] == "ok"
    # an exception (Ctrl-C) in the middle rolls back too
    store = SQLiteArchive(db)

    def gen():
        for i, a in enumerate(_articles(old_new / "new")):
            if i == 3:
                raise KeyboardInterrupt
            yield a
    with pytest.raises(KeyboardInterrupt):
        add_articles(store, gen(), ruleset)
    assert store.count() == 1
    store.close()
    assert _snapshot(db) == before
    # and the archive still works
    res = audit([str(old_new / "new" / "business-253.txt")], ruleset, AuditOptions(archive=db))
    assert [f.rule for f in res.findings if f.rule == "duplicate.archived"] == ["duplicate.archived"]


def test_concurrent_reader_beside_writer(old_new, ruleset):
    db = str(old_new / "archive.db")
    w = SQLiteArchive(db)
    add_articles(w, _articles(old_new / "old" / "business-007.txt"), ruleset)
    rec = record_for(_articles(old_new / "old" / "tech-043.txt")[0], ruleset)
    seen = {}
    with w.transaction():
        w._insert(rec)                                  # written, not committed

        def reader():
            r = open_archive(db)                        # read-only connection
            seen["count"] = r.count()
            seen["hits"] = len(r.lookup_band_keys(rec.band_keys))
            r.close()
        t = threading.Thread(target=reader)
        t.start()
        t.join(30)
        # a reader in another process too, while the write transaction is open
        out = subprocess.run([sys.executable, "-c", "import sys; from auditor.archive import open_archive; "
                              "print(open_archive(sys.argv[1]).count())", db],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and out.stdout.strip() == "1"
    assert seen == {"count": 1, "hits": 0}              # the committed state, not blocked
    r = open_archive(db)
    assert r.count() == 2 and len(r.lookup_band_keys(rec.band_keys)) == 32
    r.close()
    w.close()


def test_other_settings_refused(old_new, ruleset):
    db = old_new / "archive.db"
    assert cli("archive", "add", str(db), str(old_new / "old")).returncode == 0
    rules = old_new / "rules"
    rules.mkdir()
    (rules / "nd.yaml").write_text("kind: nearduplicates\nversion: 1\nsettings:\n  shingle_size: 4\n"
                                   "entries: []\n", encoding="utf-8")
    r = cli("audit", str(old_new / "new"), "--archive", str(db), "--rules", str(rules), "-o", "")
    assert r.returncode == 2 and "shingle_size 5 (archive) vs 4 (rules)" in r.stderr
    store = open_archive(str(db))
    with pytest.raises(ArchiveError):
        check_params(store, load_ruleset([str(rules)]))
    store.close()
    r = cli("audit", str(old_new / "new"), "--archive", str(old_new / "missing.db"), "-o", "")
    assert r.returncode == 2 and "no such archive" in r.stderr


def test_recurring_lines_count_archived(tmp_path, ruleset):
    footer = "Follow the Daily Clarion on Mastodon"
    bodies = ["The city council voted on a new transport plan that expands bus routes in the north.",
              "Farmers in the valley say the drought has cut their harvest by half this summer.",
              "A new museum opened downtown with an exhibition of local painters from the last century."]
    recs = [{"id": f"c{i}", "title": f"Story {i}", "outlet": "Clarion", "text": f"{b}\n\n{footer}"}
            for i, b in enumerate(bodies)]
    (tmp_path / "old.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs[:2]), encoding="utf-8")
    (tmp_path / "new.jsonl").write_text(json.dumps(recs[2]) + "\n", encoding="utf-8")
    db = str(tmp_path / "a.db")
    add_articles(SQLiteArchive(db), _articles(tmp_path / "old.jsonl"), ruleset)
    res = audit([str(tmp_path / "new.jsonl")], ruleset, AuditOptions(archive=db))
    rec = [f for f in res.findings if f.rule == "boilerplate.recurring"]
    assert len(rec) == 1 and rec[0].text == footer and rec[0].evidence["archived"] == 2
    assert not [f for f in audit([str(tmp_path / "new.jsonl")], ruleset, AuditOptions()).findings
                if f.rule == "boilerplate.recurring"]
