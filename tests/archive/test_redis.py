"""The archive in Redis: a real redis-server on a free loopback port, started and stopped here.
Without redis-server or the redis client the tests skip, saying how to install them; under
CI=true they fail instead (conftest.require).

The same audit against a Redis archive and against a SQLite archive gives the same report;
an interrupted add leaves the archive as it was; a reader works beside a writer.
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest

from auditor.archive import ArchiveError, open_archive
from auditor.archive.store import add_articles
from auditor.archive.redis_store import RedisArchive
from auditor.ingest import iter_sources

from conftest import FIXTURES, ROOT, require_module, require_program

BBC = FIXTURES / "duplicates" / "bbc"
OLD = ["business-007.txt", "business-059.txt", "politics-226.txt", "tech-043.txt"]
NEW = ["business-253.txt", "business-196.txt", "politics-265.txt", "tech-326.txt", "business-001.txt"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = require_program("redis-server", "apt-get install redis-server")
    require_module("redis", "pip install -e '.[test]' (or the [redis] extra)")
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


@pytest.fixture()
def fresh_url(redis_url, request):
    name = request.node.name.replace("[", "_").replace("]", "_")
    url = f"{redis_url}?prefix=t-{name}"
    return url


@pytest.fixture()
def old_new(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    for n in OLD:
        (tmp_path / "old" / n).write_bytes((BBC / n).read_bytes())
    for n in NEW:
        (tmp_path / "new" / n).write_bytes((BBC / n).read_bytes())
    return tmp_path


def cli(*args):
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def test_redis_and_sqlite_archives_give_the_same_report(old_new, fresh_url):
    db = old_new / "archive.db"
    for target in (str(db), fresh_url):
        r = cli("archive", "add", target, str(old_new / "old"))
        assert r.returncode == 0, r.stderr
        assert "added 4 article(s); 4 in the archive" in r.stdout
    reports = []
    for target in (str(db), fresh_url):
        r = cli("audit", str(old_new / "new"), "--archive", target, "--format", "json", "-o", "")
        assert r.returncode == 0, r.stderr
        # the evidence names the archive used; everything else must be the same
        reports.append(json.loads(r.stdout.replace(json.dumps(target)[1:-1], "ARCHIVE")))
    assert reports[0] == reports[1]
    rules = {f["rule"] for f in reports[0]["findings"]}
    assert {"duplicate.archived", "reuse.passage"} <= rules


def test_lookups_go_through_keys(old_new, fresh_url, ruleset):
    store = RedisArchive(fresh_url)
    arts = [a for a in iter_sources([str(old_new / "old")]) if hasattr(a, "text")]
    assert add_articles(store, arts, ruleset) == 4
    assert store.count() == 4
    got = store.get([1, 2, 3, 4])
    assert sorted(a.id for a in got.values()) == sorted(OLD)
    a = next(v for v in got.values() if v.id == "business-007.txt")
    assert a.text == (BBC / "business-007.txt").read_text(encoding="utf-8")
    assert a.article().lines[0].text == a.text.splitlines()[0]
    # re-adding the same article replaces it and removes its old index entries
    add_articles(store, [arts[0]], ruleset)
    assert store.count() == 4
    keys = sorted(store.signatures(range(1, 10)))
    assert len(keys) == 4 and 5 in keys
    store.close()


def test_interrupted_add_leaves_the_archive_as_it_was(old_new, fresh_url, ruleset):
    store = RedisArchive(fresh_url)
    arts = [a for a in iter_sources([str(old_new / "old")]) if hasattr(a, "text")]
    add_articles(store, arts[:2], ruleset)
    before = sorted(store.r.keys(store._pfx + b"*"))
    snapshot = {k: store.r.dump(k) for k in before if not k.endswith(b"next_key")}

    def dying():
        yield arts[2]
        yield arts[3]
        raise KeyboardInterrupt          # the user pressed Ctrl-C half-way

    with pytest.raises(KeyboardInterrupt):
        add_articles(store, dying(), ruleset)
    after = {k: store.r.dump(k) for k in sorted(store.r.keys(store._pfx + b"*"))
             if not k.endswith(b"next_key")}
    assert after == snapshot and store.count() == 2
    store.close()


def test_killed_add_process_leaves_the_archive_as_it_was(old_new, fresh_url, ruleset):
    store = RedisArchive(fresh_url)
    arts = [a for a in iter_sources([str(old_new / "old")]) if hasattr(a, "text")]
    add_articles(store, arts, ruleset)
    # A big add, killed before it finishes: nothing of it is visible.
    big = old_new / "big"
    big.mkdir()
    for i in range(400):
        (big / f"a{i:03}.txt").write_text(f"Story number {i}\n\n" + f"Paragraph about item {i}. " * 50)
    proc = subprocess.Popen([sys.executable, "-m", "auditor", "archive", "add", fresh_url, str(big)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    proc.kill()
    proc.wait()
    assert store.count() in (4, 404)      # all or nothing
    reader = open_archive(fresh_url, readonly=True)
    assert reader.count() == store.count()
    store.close()


def test_reader_beside_a_writer(old_new, fresh_url, ruleset):
    writer = RedisArchive(fresh_url)
    arts = [a for a in iter_sources([str(old_new / "old")]) if hasattr(a, "text")]
    add_articles(writer, arts[:1], ruleset)
    reader = open_archive(fresh_url, readonly=True)
    seen = []
    def records():
        for a in arts[1:]:
            seen.append(reader.count())          # the reader reads while the add is under way
            yield a
    add_articles(writer, records(), ruleset)
    assert seen == [1, 1, 1] and reader.count() == 4


def test_missing_archive_and_unreachable_server(fresh_url):
    with pytest.raises(ArchiveError, match="no auditor archive"):
        open_archive(fresh_url.replace("prefix=", "prefix=absent-"), readonly=True)
    with pytest.raises(ArchiveError, match="cannot reach Redis"):
        open_archive(f"redis://127.0.0.1:{_free_port()}/0", readonly=True)
