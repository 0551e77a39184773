"""The archive in Redis, so that several CI workers check incoming articles against one archive.

``--archive redis://HOST:PORT/DB?prefix=NAME`` (prefix default ``auditor``) selects it
wherever an archive path is accepted. It implements the same ``ArchiveStore`` interface as the
SQLite archive:

* the index tables (LSH band keys, headline keys, passage fingerprints, boilerplate line hashes
  per outlet) are datasketch's own Redis storage (``RedisSetStorage``: one Redis set per key,
  namespaced by a prefix), the layout datasketch's ``MinHashLSH`` uses for its hash tables;
* the article metadata (signature, text, lines, ...) is one Redis hash per article;
* an ``add`` is one MULTI/EXEC transaction: every write of the add is queued and sent at the
  end, so an add interrupted before it finishes changes nothing; readers see the archive before
  or after an add, never half of one;
* lookups read the sets of the keys asked for, never a scan of the archived articles.
"""
from __future__ import annotations

import json
import zlib
from typing import Any, Iterable, Sequence
from urllib.parse import parse_qs, urlparse

import numpy as np

from .store import SCHEMA_VERSION, ArchiveError, ArchivedArticle, ArchiveRecord

TABLES = ("bands", "headlines", "passages", "lines")


def is_redis_url(path: str) -> bool:
    return path.startswith(("redis://", "rediss://", "unix://"))


def _storage_config(url: str) -> tuple[dict[str, Any], str]:
    u = urlparse(url)
    prefix = (parse_qs(u.query).get("prefix") or ["auditor"])[0]
    cfg: dict[str, Any] = {"host": u.hostname or "localhost", "port": u.port or 6379}
    db = u.path.lstrip("/")
    if db:
        if not db.isdigit():
            raise ArchiveError(f"{url}: the database in a Redis URL is a number (redis://host:port/0)")
        cfg["db"] = int(db)
    if u.password:
        cfg["password"] = u.password
    if u.username:
        cfg["username"] = u.username
    if u.scheme == "rediss":
        cfg["ssl"] = True
    return cfg, prefix


class RedisArchive:
    """ArchiveStore on Redis; index tables in datasketch's RedisSetStorage layout."""

    def __init__(self, url: str, readonly: bool = False):
        try:
            import redis
            from datasketch.storage import RedisSetStorage
        except ImportError as e:      # pragma: no cover - the [redis] extra is not installed
            raise ArchiveError(f"a Redis archive needs the redis package (pip install "
                               f"'auditor[redis]'): {e}") from None
        self.url = url
        self.readonly = readonly
        cfg, prefix = _storage_config(url)
        self.prefix = prefix
        self._pfx = prefix.encode("utf-8") + b":"
        self.r = redis.Redis(**cfg)
        try:
            self.r.ping()
        except redis.RedisError as e:
            raise ArchiveError(f"{url}: cannot reach Redis ({e})") from None
        config = {"type": "redis", "redis": cfg}
        self.tables = {t: RedisSetStorage(config, name=self._pfx + t.encode() + b":") for t in TABLES}
        version = self.r.get(self._pfx + b"schema_version")
        if version is None:
            if readonly:
                raise ArchiveError(f"{url}: no auditor archive under prefix {prefix!r} "
                                   f"(create it with `auditor archive add`)")
            self.r.setnx(self._pfx + b"schema_version", str(SCHEMA_VERSION))
        elif int(version) != SCHEMA_VERSION:
            raise ArchiveError(f"{url}: archive schema version {int(version)} is not {SCHEMA_VERSION}")

    # -- keys ---------------------------------------------------------------------------
    def _article_key(self, key: int) -> bytes:
        return self._pfx + b"article:" + str(key).encode()

    @staticmethod
    def _line_key(outlet: str | None, h: int) -> str:
        return f"{outlet or ''}\x00{h}"

    # -- parameters ---------------------------------------------------------------------
    def params(self) -> dict[str, Any]:
        raw = self.r.get(self._pfx + b"params")
        return json.loads(raw) if raw else {}

    def set_params(self, params: dict[str, Any]) -> None:
        self.r.set(self._pfx + b"params", json.dumps(params, sort_keys=True))

    # -- writing ------------------------------------------------------------------------
    def add(self, records: Iterable[ArchiveRecord], params: dict[str, Any] | None = None) -> int:
        """Store every record in one MULTI/EXEC transaction (all or nothing)."""
        if self.readonly:
            raise ArchiveError(f"{self.url}: opened read-only")
        records = list(records)
        if not records:
            return 0
        # Keys are reserved before the transaction; an interrupted add only leaves a gap.
        first = self.r.incrby(self._pfx + b"next_key", len(records)) - len(records) + 1
        ids_key = self._pfx + b"ids"
        old_keys = self.r.hmget(ids_key, [f"{r.path}\x00{r.id}" for r in records])
        olds = {int(k) for k in old_keys if k is not None}
        old_meta = self._index_entries(olds)
        pipe = self.r.pipeline(transaction=True)
        for key, (table, values) in old_meta:
            for v in values:
                pipe.srem(self.tables[table].redis_key(v), key)
        for k in olds:
            pipe.delete(self._article_key(k))
        for n, rec in enumerate(records):
            key = first + n
            self._queue_insert(pipe, key, rec)
            pipe.hset(ids_key, f"{rec.path}\x00{rec.id}", key)
        if params is not None:
            pipe.set(self._pfx + b"params", json.dumps(params, sort_keys=True))
        pipe.execute()
        return len(records)

    def _queue_insert(self, pipe, key: int, r: ArchiveRecord) -> None:
        passages = [int(h) for h in np.asarray(r.passages, dtype=np.uint64).tolist()]
        lines = [self._line_key(r.outlet, h) for h in r.line_hashes]
        for table, values in (("bands", r.band_keys), ("headlines", r.head_keys),
                              ("passages", passages), ("lines", lines)):
            store = self.tables[table]
            for v in values:
                store._insert(pipe, str(v), key)       # datasketch's layout, in our transaction
        pipe.hset(self._article_key(key), mapping={
            "id": r.id, "path": r.path, "title": r.title or "", "has_title": int(r.title is not None),
            "outlet": r.outlet or "", "has_outlet": int(r.outlet is not None), "url": r.url or "",
            "published": r.published or "", "format": r.format, "shingles": r.shingles,
            "n_passages": len(passages),
            "sig": b"" if r.sig is None else np.asarray(r.sig, dtype="<u4").tobytes(),
            "text": zlib.compress(r.text.encode("utf-8", "surrogatepass"), 6),
            "lines": zlib.compress(np.asarray(r.lines, dtype="<i8").tobytes(), 6),
            "title_line": -1 if r.title_line is None else r.title_line,
            "body_start": r.body_start, "skip": json.dumps(r.skip),
            "index": json.dumps({"bands": [str(v) for v in r.band_keys],
                                 "headlines": [str(v) for v in r.head_keys],
                                 "passages": [str(v) for v in passages], "lines": lines}),
        })

    def _index_entries(self, keys: Iterable[int]) -> list[tuple[int, tuple[str, list[str]]]]:
        out = []
        for k in keys:
            raw = self.r.hget(self._article_key(k), "index")
            if raw:
                for table, values in json.loads(raw).items():
                    out.append((k, (table, values)))
        return out

    # -- reading ------------------------------------------------------------------------
    def _lookup(self, table: str, keys: Sequence[Any]) -> list[tuple[int, int]]:
        keys = list(dict.fromkeys(keys))
        if not keys:
            return []
        found = self.tables[table].getmany(*[str(k) for k in keys])
        return [(k, int(a)) for k, members in zip(keys, found) for a in sorted(members, key=int)]

    def lookup_band_keys(self, keys: Sequence[int]) -> list[tuple[int, int]]:
        return self._lookup("bands", [int(k) for k in keys])

    def lookup_headline_keys(self, keys: Sequence[int]) -> list[tuple[int, int]]:
        return self._lookup("headlines", [int(k) for k in keys])

    def lookup_passages(self, hashes: Sequence[int]) -> list[tuple[int, int]]:
        return self._lookup("passages", [int(h) for h in hashes])

    def line_counts(self, outlet: str | None, hashes: Sequence[int]) -> dict[int, int]:
        hashes = list(dict.fromkeys(int(h) for h in hashes))
        if not hashes:
            return {}
        store = self.tables["lines"]
        pipe = self.r.pipeline()
        for h in hashes:
            pipe.scard(store.redis_key(self._line_key(outlet, h)))
        return {h: c for h, c in zip(hashes, pipe.execute()) if c}

    def _hashes(self, keys: Sequence[int], fields: Sequence[str]) -> dict[int, list]:
        keys = list(dict.fromkeys(int(k) for k in keys))
        pipe = self.r.pipeline()
        for k in keys:
            pipe.hmget(self._article_key(k), list(fields))
        return {k: v for k, v in zip(keys, pipe.execute()) if v and v[0] is not None}

    def signatures(self, keys: Sequence[int]) -> dict[int, np.ndarray]:
        out = {}
        for k, (sig,) in self._hashes(keys, ["sig"]).items():
            if sig:
                out[k] = np.frombuffer(sig, dtype="<u4").astype(np.uint32)
        return out

    _FIELDS = ("id", "path", "title", "has_title", "outlet", "has_outlet", "url", "published",
               "format", "shingles", "n_passages", "text", "lines", "title_line", "body_start", "skip")

    def get(self, keys: Sequence[int]) -> dict[int, ArchivedArticle]:
        out = {}
        for k, v in self._hashes(keys, self._FIELDS).items():
            d = dict(zip(self._FIELDS, v))
            s = {f: (d[f].decode("utf-8") if isinstance(d[f], bytes) and f not in ("text", "lines")
                     else d[f]) for f in d}
            tl = int(s["title_line"])
            out[k] = ArchivedArticle(
                k, s["id"], s["path"], s["title"] if int(s["has_title"]) else None,
                s["outlet"] if int(s["has_outlet"]) else None, s["url"] or None,
                s["published"] or None, s["format"] or "text", int(s["shingles"]),
                int(s["n_passages"]), zlib.decompress(d["text"]).decode("utf-8", "surrogatepass"),
                np.frombuffer(zlib.decompress(d["lines"]), dtype="<i8").reshape(-1, 4),
                None if tl < 0 else tl, int(s["body_start"]), json.loads(s["skip"]))
        return out

    def count(self) -> int:
        return int(self.r.hlen(self._pfx + b"ids"))

    def close(self) -> None:
        self.r.close()
