"""What was seen before: an archive of article fingerprints to check incoming articles against.

``auditor archive add DB PATH...`` stores, per article, its MinHash signature and LSH band
keys, its headline keys, the hashes of its candidate boilerplate lines, its winnowed passage
fingerprints and, compressed, the text with its line offsets (needed to verify a candidate
exactly and to point at the reused passage in the archived article).
``auditor audit NEW --archive DB`` then reports ``duplicate.archived`` and ``reuse.passage``
against the archive, and counts archived lines of the same outlet towards
``boilerplate.recurring``.

Storage sits behind the small ``ArchiveStore`` interface; ``SQLiteArchive`` is the default:

* one SQLite file in WAL mode: readers (audits) work beside one writer (an ``add``);
* an ``add`` is one transaction: interrupted (Ctrl-C, kill -9, power loss) it leaves the
  archive exactly as it was;
* every lookup goes through an indexed key table (band keys, headline keys, passage
  fingerprints, line hashes): never a scan of the archived articles;
* the parameters the fingerprints were made with (shingle size, permutations, bands, rows,
  seed, n-gram, window) are stored; an audit with other parameters is refused.
"""
from __future__ import annotations

import json
import sqlite3
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Protocol, Sequence

import numpy as np

from ..checks import ArticleContext
from ..checks.boilerplate import recurring_fingerprint
from ..checks.nearduplicates import Params as NP
from ..checks._prepared import sketch_context
from ..checks.nearduplicates import near_fingerprint
from ..checks.reuse import Params as RP
from ..checks.reuse import reuse_fingerprint
from ..ingest.reread import prepare_article
from ..model import BOILERPLATE_LINES, HEADLINE_REPEATS, Article, Line
from ..rules import RuleSet

SCHEMA_VERSION = 1
CHUNK = 500          # keys per IN (...) query


class ArchiveError(Exception):
    pass


@dataclass
class ArchiveRecord:
    """Everything stored about one article (built by ``record_for``)."""
    id: str
    path: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    format: str
    shingles: int
    sig: np.ndarray | None                  # uint32[num_perm] or None for short bodies
    band_keys: list[int]
    head_keys: list[int]
    line_hashes: list[int]
    passages: np.ndarray                    # uint64 winnowed fingerprints
    text: str
    lines: np.ndarray                       # int64 (n, 4): start, end, file_line, file_column
    title_line: int | None
    body_start: int
    skip: list[int]                         # line indices left out of the body sketch


@dataclass
class ArchivedArticle:
    """An archived article read back: enough to rebuild the Article and its sketch context."""
    key: int
    id: str
    path: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    format: str
    shingles: int
    n_passages: int
    text: str
    lines: np.ndarray
    title_line: int | None
    body_start: int
    skip: list[int]
    _article: Article | None = field(default=None, repr=False)

    def article(self) -> Article:
        if self._article is None:
            lines = tuple(Line(i, int(s), int(e), self.text[int(s):int(e)], int(fl), int(fc))
                          for i, (s, e, fl, fc) in enumerate(self.lines.tolist()))
            self._article = Article(id=self.id, path=self.path, text=self.text, lines=lines,
                                    title=self.title, title_line=self.title_line,
                                    body_start=self.body_start, outlet=self.outlet, url=self.url,
                                    published=self.published, format=self.format)
        return self._article

    def context(self, ruleset: RuleSet) -> ArticleContext:
        ctx = ArticleContext(ruleset=ruleset, record=self.record())
        ctx.data[BOILERPLATE_LINES] = set(self.skip)
        ctx.data[HEADLINE_REPEATS] = set()
        return ctx

    def record(self) -> dict[str, Any]:
        return {"id": self.id, "path": self.path, "title": self.title, "outlet": self.outlet,
                "url": self.url, "published": {"value": self.published, "provenance": "archive"}}


class ArchiveStore(Protocol):
    """What the checks need from an archive; another backend (Redis, ...) implements the same."""

    def params(self) -> dict[str, Any]: ...
    def set_params(self, params: dict[str, Any]) -> None: ...
    def add(self, records: Iterable[ArchiveRecord], params: dict[str, Any] | None = None) -> int: ...
    def lookup_band_keys(self, keys: Sequence[int]) -> list[tuple[int, int]]: ...
    def lookup_headline_keys(self, keys: Sequence[int]) -> list[tuple[int, int]]: ...
    def lookup_passages(self, hashes: Sequence[int]) -> list[tuple[int, int]]: ...
    def line_counts(self, outlet: str | None, hashes: Sequence[int]) -> dict[int, int]: ...
    def signatures(self, keys: Sequence[int]) -> dict[int, np.ndarray]: ...
    def get(self, keys: Sequence[int]) -> dict[int, ArchivedArticle]: ...
    def count(self) -> int: ...
    def close(self) -> None: ...


_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL, path TEXT NOT NULL, title TEXT, outlet TEXT, url TEXT, published TEXT,
    format TEXT, shingles INTEGER NOT NULL, n_passages INTEGER NOT NULL, sig BLOB,
    text BLOB NOT NULL, lines BLOB NOT NULL, title_line INTEGER, body_start INTEGER NOT NULL,
    skip TEXT NOT NULL, added TEXT DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (path, id));
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, article INTEGER NOT NULL,
    PRIMARY KEY (key, article)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS headlines (key INTEGER NOT NULL, article INTEGER NOT NULL,
    PRIMARY KEY (key, article)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS passages (hash INTEGER NOT NULL, article INTEGER NOT NULL,
    PRIMARY KEY (hash, article)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lines (outlet TEXT NOT NULL, hash INTEGER NOT NULL, article INTEGER NOT NULL,
    PRIMARY KEY (outlet, hash, article)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS bands_article ON bands (article);
CREATE INDEX IF NOT EXISTS headlines_article ON headlines (article);
CREATE INDEX IF NOT EXISTS passages_article ON passages (article);
CREATE INDEX IF NOT EXISTS lines_article ON lines (article);
"""


def _signed(values: Iterable[int]) -> list[int]:
    return [v - (1 << 64) if v >= (1 << 63) else v for v in (int(x) for x in values)]


class SQLiteArchive:
    """The default ArchiveStore: one SQLite file (WAL, one transaction per add)."""

    def __init__(self, path: str, readonly: bool = False, timeout: float = 60.0):
        self.path = path
        self.readonly = readonly
        if readonly:
            import os
            if not os.path.exists(path):
                raise ArchiveError(f"{path}: no such archive (create it with `auditor archive add`)")
            uri = "file:" + path.replace("?", "%3F").replace("#", "%23") + "?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
        else:
            self.db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_DDL)
            cur = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if cur is None:
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        try:
            v = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.DatabaseError as e:
            raise ArchiveError(f"{path}: not an auditor archive ({e})") from None
        if v is None or int(v[0]) != SCHEMA_VERSION:
            raise ArchiveError(f"{path}: archive schema version {v[0] if v else '?'} is not "
                               f"{SCHEMA_VERSION}")

    # -- parameters ---------------------------------------------------------------------
    def params(self) -> dict[str, Any]:
        row = self.db.execute("SELECT value FROM meta WHERE key='params'").fetchone()
        return json.loads(row[0]) if row else {}

    def set_params(self, params: dict[str, Any]) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('params', ?)", (json.dumps(params, sort_keys=True),))

    # -- writing ------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT; anything raised (or a killed process) rolls it all back."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _insert(self, r: ArchiveRecord) -> None:
        db = self.db
        old = db.execute("SELECT key FROM articles WHERE path=? AND id=?", (r.path, r.id)).fetchone()
        if old is not None:
            for t in ("bands", "headlines", "passages", "lines"):
                db.execute(f"DELETE FROM {t} WHERE article=?", (old[0],))
            db.execute("DELETE FROM articles WHERE key=?", (old[0],))
        cur = db.execute(
            "INSERT INTO articles (id, path, title, outlet, url, published, format, shingles, n_passages,"
            " sig, text, lines, title_line, body_start, skip) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (r.id, r.path, r.title, r.outlet, r.url, r.published, r.format, r.shingles, len(r.passages),
             None if r.sig is None else r.sig.astype("<u4").tobytes(),
             zlib.compress(r.text.encode("utf-8", "surrogatepass"), 6),
             zlib.compress(np.asarray(r.lines, dtype="<i8").tobytes(), 6),
             r.title_line, r.body_start, json.dumps(r.skip)))
        key = cur.lastrowid
        db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", [(k, key) for k in r.band_keys])
        db.executemany("INSERT OR IGNORE INTO headlines VALUES (?, ?)", [(k, key) for k in r.head_keys])
        db.executemany("INSERT OR IGNORE INTO passages VALUES (?, ?)",
                       [(h, key) for h in _signed(r.passages.tolist())])
        db.executemany("INSERT OR IGNORE INTO lines VALUES (?, ?, ?)",
                       [(r.outlet or "", h, key) for h in r.line_hashes])

    def add(self, records: Iterable[ArchiveRecord], params: dict[str, Any] | None = None) -> int:
        """Store every record in one transaction (all or nothing); ``params`` recorded with them."""
        n = 0
        with self.transaction():
            if params is not None:
                self.set_params(params)
            for r in records:
                self._insert(r)
                n += 1
        return n

    # -- reading --------------------------------------------------------------------------
    def _lookup(self, sql: str, keys: Sequence[int], extra: tuple = ()) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        keys = list(dict.fromkeys(int(k) for k in keys))
        for i in range(0, len(keys), CHUNK):
            chunk = keys[i:i + CHUNK]
            q = sql.format(",".join("?" * len(chunk)))
            out.extend(self.db.execute(q, (*extra, *chunk)).fetchall())
        return out

    def lookup_band_keys(self, keys: Sequence[int]) -> list[tuple[int, int]]:
        return self._lookup("SELECT key, article FROM bands WHERE key IN ({})", keys)

    def lookup_headline_keys(self, keys: Sequence[int]) -> list[tuple[int, int]]:
        return self._lookup("SELECT key, article FROM headlines WHERE key IN ({})", keys)

    def lookup_passages(self, hashes: Sequence[int]) -> list[tuple[int, int]]:
        return self._lookup("SELECT hash, article FROM passages WHERE hash IN ({})", _signed(hashes))

    def line_counts(self, outlet: str | None, hashes: Sequence[int]) -> dict[int, int]:
        rows = self._lookup("SELECT hash, COUNT(*) FROM lines WHERE outlet = ? AND hash IN ({}) GROUP BY hash",
                            hashes, (outlet or "",))
        return {h: c for h, c in rows}

    def signatures(self, keys: Sequence[int]) -> dict[int, np.ndarray]:
        rows = self._lookup("SELECT key, sig FROM articles WHERE key IN ({})", keys)
        return {k: np.frombuffer(s, dtype="<u4").astype(np.uint32) for k, s in rows if s is not None}

    def get(self, keys: Sequence[int]) -> dict[int, ArchivedArticle]:
        out = {}
        keys = list(dict.fromkeys(int(k) for k in keys))
        for i in range(0, len(keys), CHUNK):
            chunk = keys[i:i + CHUNK]
            q = ("SELECT key, id, path, title, outlet, url, published, format, shingles, n_passages, text,"
                 f" lines, title_line, body_start, skip FROM articles WHERE key IN ({','.join('?' * len(chunk))})")
            for row in self.db.execute(q, chunk):
                (k, aid, path, title, outlet, url, pub, fmt, sh, npass, text, lines, tl, bs, skip) = row
                arr = np.frombuffer(zlib.decompress(lines), dtype="<i8").reshape(-1, 4)
                out[k] = ArchivedArticle(k, aid, path, title, outlet, url, pub, fmt or "text", sh, npass,
                                         zlib.decompress(text).decode("utf-8", "surrogatepass"), arr,
                                         tl, bs, json.loads(skip))
        return out

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def close(self) -> None:
        self.db.close()


# -- fingerprints of one article -------------------------------------------------------------
def fingerprint_params(ruleset: RuleSet) -> dict[str, Any]:
    """The settings the stored fingerprints depend on; an archive is usable only with the same."""
    n, r = NP.from_ruleset(ruleset), RP.from_ruleset(ruleset)
    return {"shingle_size": n.shingle_size, "num_perm": n.num_perm, "bands": n.bands, "rows": n.rows,
            "seed": n.seed, "head_min_tokens": n.head_min_tokens, "head_max_tokens": n.head_max_tokens,
            "ngram": r.ngram, "window": r.window, "sketch": "one-permutation minhash"}


def check_params(store: ArchiveStore, ruleset: RuleSet) -> None:
    have, want = store.params(), fingerprint_params(ruleset)
    if have and have != want:
        diff = ", ".join(f"{k} {have.get(k)} (archive) vs {want.get(k)} (rules)" for k in sorted(want)
                         if have.get(k) != want.get(k))
        raise ArchiveError(f"archive fingerprints were made with other settings: {diff}")


def record_for(article: Article, ruleset: RuleSet) -> ArchiveRecord:
    """Fingerprints of one article, as the per-article stage of an audit would make them."""
    ctx = sketch_context(article, ruleset)
    near = near_fingerprint(article, ctx)
    rec = recurring_fingerprint(article, ctx)
    skip = sorted(set(ctx.data.get(BOILERPLATE_LINES, ())) | set(ctx.data.get(HEADLINE_REPEATS, ())))
    lines = np.array([(ln.start, ln.end, ln.file_line, ln.file_column) for ln in article.lines],
                     dtype=np.int64).reshape(-1, 4)
    return ArchiveRecord(
        id=article.id, path=article.path, title=article.title, outlet=article.outlet, url=article.url,
        published=article.published, format=article.format, shingles=int(near.get("n", 0)),
        sig=near.get("sig"), band_keys=[int(k) for k in near.get("keys", [])],
        head_keys=list(near.get("hkeys", [])),
        line_hashes=sorted({t[0] for t in rec.get("lines", ())}),
        passages=reuse_fingerprint(article, ctx), text=article.text, lines=lines,
        title_line=article.title_line, body_start=article.body_start, skip=skip)


def add_articles(store: ArchiveStore, articles: Iterable[Article], ruleset: RuleSet) -> int:
    """Add articles in one transaction (all or nothing)."""
    check_params(store, ruleset)

    def records() -> Iterator[ArchiveRecord]:
        for a in articles:
            yield record_for(prepare_article(a, ruleset), ruleset)

    return store.add(records(), fingerprint_params(ruleset))
