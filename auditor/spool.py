"""A disk spool of the articles the corpus stage may need to read again.

The per-article stage packs each article (its text, line table and the lines the sketch
leaves out: the headline's reprints and boilerplate lines) into a compact ``bytes`` blob
(``pack``), in whatever process or cluster worker ran it. The pipeline appends the blobs to
one temporary file and keeps only an offset per article, so memory holds fingerprints and
never the corpus text. The corpus checks then get the articles they verify (near-duplicate
candidates, passages to align) by seeking in that file (``ArticleSpool.get``), instead of
reading and parsing the input a second time and scanning it for boilerplate again.

The file is removed when the spool is closed or garbage-collected.
"""
from __future__ import annotations

import os
import pickle
import tempfile
import threading
import weakref
from collections.abc import Sequence
from typing import Any, Iterable, Iterator

import numpy as np

from .model import BOILERPLATE_LINES, HEADLINE_REPEATS, Article, Finding, Line

# ctx.data keys a corpus check's re-read needs (see nearduplicates.sketch_context)
KEPT_DATA = (BOILERPLATE_LINES, HEADLINE_REPEATS)

_PREAD = hasattr(os, "pread")
_OPEN: "weakref.WeakSet[Spool]" = weakref.WeakSet()


def _flush_open() -> None:
    """Before a fork: write out every spool's buffer, so a child neither misses those bytes
    nor writes them a second time."""
    for sp in list(_OPEN):
        fh = sp._fh
        if fh is not None:
            fh.flush()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_flush_open)


def pack(article: Article, data: dict[str, Any] | None = None) -> bytes:
    """One article and the per-article data the corpus checks need again, as bytes."""
    lines = np.array([(ln.start, ln.end, ln.file_line, ln.file_column) for ln in article.lines],
                     dtype=np.int64).reshape(-1, 4)
    kept = {k: sorted(data[k]) for k in KEPT_DATA if data and k in data}
    # of the meta, what ``Article.fields`` reads: the report maps a JSON record's spans with it
    meta = {k: article.meta[k] for k in FIELD_META if k in article.meta}
    return pickle.dumps((article.id, article.path, article.text, lines, article.title,
                         article.title_line, article.body_start, article.outlet, article.url,
                         article.published, article.format, kept, meta), protocol=5)


FIELD_META = ("text_offset", "title_offset")


def unpack(blob: bytes) -> tuple[Article, dict[str, Any]]:
    (aid, path, text, lines, title, title_line, body_start, outlet, url, published, fmt,
     kept, meta) = pickle.loads(blob)
    lns = tuple(Line(i, s, e, text[s:e], fl, fc) for i, (s, e, fl, fc) in enumerate(lines.tolist()))
    art = Article(id=aid, path=path, text=text, lines=lns, title=title, title_line=title_line,
                  body_start=body_start, outlet=outlet, url=url, published=published, format=fmt,
                  meta=meta)
    return art, {k: set(v) for k, v in kept.items()}


class Spool:
    """Append-only temporary file of byte blobs, indexed by key; only the offsets stay in memory.

    Processes forked from the one that wrote it (``checks.parallel_map``) can read it: reads
    use ``os.pread``, which leaves the file position shared with the parent alone."""

    def __init__(self, directory: str | None = None):
        fd, self.path = tempfile.mkstemp(prefix="auditor-spool-", suffix=".bin", dir=directory)
        self._fh = os.fdopen(fd, "w+b")
        self._index: dict[str, tuple[int, int]] = {}
        self._end = 0
        self._lock = threading.Lock()
        _OPEN.add(self)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, aid: object) -> bool:
        return aid in self._index

    def add(self, aid: str, blob: bytes) -> None:
        with self._lock:
            self._fh.seek(self._end)
            self._fh.write(blob)
            self._index[aid] = (self._end, len(blob))
            self._end += len(blob)

    def rename(self, old: str, new: str) -> None:
        if old in self._index:
            self._index[new] = self._index.pop(old)

    def blobs(self, ids: Iterable[str]) -> list[tuple[str, bytes]]:
        """(key, blob) for the keys the spool holds, read in file order."""
        want = sorted((self._index[i], i) for i in set(ids) if i in self._index)
        out = []
        with self._lock:
            self._fh.flush()
            if _PREAD:      # no shared file position: safe in processes forked from this one
                fd = self._fh.fileno()
                for (off, size), aid in want:
                    out.append((aid, os.pread(fd, size, off)))
                return out
            for (off, size), aid in want:
                self._fh.seek(off)
                out.append((aid, self._fh.read(size)))
        return out

    def blob(self, aid: str) -> bytes | None:
        got = self.blobs([aid])
        return got[0][1] if got else None

    def close(self) -> None:
        fh, self._fh = getattr(self, "_fh", None), None
        if fh is not None:
            fh.close()
            try:
                os.unlink(self.path)
            except OSError:
                pass

    def __del__(self) -> None:
        self.close()


class ArticleSpool(Spool):
    """The packed articles (``pack``) of one run, indexed by article id."""

    def get(self, ids: Iterable[str]) -> dict[str, tuple[Article, dict[str, Any]]]:
        """{id: (article, data)} for the ids the spool holds, read in file order."""
        out: dict[str, tuple[Article, dict[str, Any]]] = {}
        for aid, blob in self.blobs(ids):
            art, data = unpack(blob)
            if art.id != aid:               # renamed after a duplicate id
                art = _with_id(art, aid)
            out[aid] = (art, data)
        return out


def _with_id(article: Article, aid: str) -> Article:
    import dataclasses
    return dataclasses.replace(article, id=aid)


class SpooledList(Sequence):
    """A list kept on disk: each item pickled into a ``Spool``, only offsets in memory.

    Append-only; ``len``, indexing and iteration (read back in order, a batch at a time)
    work as on a list, and it can be iterated any number of times. The pipeline keeps the
    report entries of a run in one, so the report writers stream them from disk."""

    BATCH = 256

    def __init__(self, items: Iterable[Any] = (), directory: str | None = None):
        self._spool = Spool(directory)
        self._n = 0
        for x in items:
            self.append(x)

    def append(self, item: Any) -> None:
        self._spool.add(str(self._n), pickle.dumps(item, protocol=5))
        self._n += 1

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):
        if isinstance(i, slice):
            keys = [str(k) for k in range(*i.indices(self._n))]
            blobs = dict(self._spool.blobs(keys))           # read in file order, at once
            return [pickle.loads(blobs[k]) for k in keys]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError("SpooledList index out of range")
        return pickle.loads(self._spool.blob(str(i)))

    def __iter__(self) -> Iterator[Any]:
        for lo in range(0, self._n, self.BATCH):
            for _, blob in self._spool.blobs(str(k) for k in range(lo, min(lo + self.BATCH, self._n))):
                yield pickle.loads(blob)

    def close(self) -> None:
        self._spool.close()


class FindingStore:
    """The findings of a run in report order, with each article's own findings on disk.

    ``add(article_id, findings)`` is called once per article in input order with the
    article's findings, already sorted (``Finding.sort_key``); they are pickled into a spool
    as one blob. ``add_extra`` takes the findings the corpus stage adds, which stay in
    memory. Iteration yields exactly what a stable sort of every finding, in the order added,
    by (the article's input position, ``sort_key``) gives: article by article in input
    order, the article's own findings merged with the extra ones on it, then the findings on
    ids that are not articles of the run. It can be iterated any number of times; the findings
    read back from disk are new objects each time, so changing one does not change the store."""

    def __init__(self, directory: str | None = None):
        self._spool = Spool(directory)
        self._ids: list[str] = []           # every article, in input order
        self._base: list[int] = []          # the place of its first finding in adding order
        self._n = 0
        self._extra: list[tuple[int, Finding]] = []     # (place in adding order, finding)
        self._by_article: dict[str, list[tuple[int, Finding]]] | None = None   # _extra by article

    def add(self, aid: str, findings: list[Finding]) -> None:
        own = [f for f in findings if f.article == aid]
        places = None
        if len(own) < len(findings):        # findings on another article sort with that one
            places = [k for k, f in enumerate(findings) if f.article == aid]
            self._extra.extend((self._n + k, f) for k, f in enumerate(findings) if f.article != aid)
            self._by_article = None
        if own:
            self._spool.add(str(len(self._ids)), pickle.dumps((places, own), protocol=5))
        self._ids.append(aid)
        self._base.append(self._n)
        self._n += len(findings)

    def add_extra(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            self._extra.append((self._n, f))
            self._by_article = None
            self._n += 1

    def __len__(self) -> int:
        return self._n

    @property
    def ids(self) -> list[str]:
        """The articles' ids, in the order added."""
        return self._ids

    def _extras(self) -> dict[str, list[tuple[int, Finding]]]:
        """The extra findings by article (kept until more are added)."""
        if self._by_article is None:
            self._by_article = {}
            for k, f in self._extra:
                self._by_article.setdefault(f.article, []).append((k, f))
        return self._by_article

    @staticmethod
    def _key(item: tuple[int, Finding]) -> tuple:
        return item[1].sort_key() + (item[0],)

    def _articles(self, lo: int, hi: int, extras: dict[str, list[tuple[int, Finding]]]) -> list[list[Finding]]:
        blobs = dict(self._spool.blobs(str(k) for k in range(lo, hi)))     # those it holds
        out = []
        for k in range(lo, hi):
            blob = blobs.get(str(k))
            places, own = pickle.loads(blob) if blob is not None else (None, [])
            extra = extras.get(self._ids[k])
            if extra:
                base = self._base[k]
                mine = [(base + (i if places is None else places[i]), f) for i, f in enumerate(own)]
                own = [f for _, f in sorted(mine + extra, key=self._key)]
            out.append(own)
        return out

    def for_articles(self, lo: int, hi: int) -> list[list[Finding]]:
        """The findings of the articles added ``lo``-th to ``hi``-th (``ids[lo:hi]``), one
        list per article, in the order iteration gives them; only these are read from disk."""
        return self._articles(max(0, lo), min(hi, len(self._ids)), self._extras())

    def __iter__(self) -> Iterator[Finding]:
        extras = self._extras()
        for lo in range(0, len(self._ids), SpooledList.BATCH):
            for own in self._articles(lo, min(lo + SpooledList.BATCH, len(self._ids)), extras):
                yield from own
        known = set(self._ids)
        rest = [kf for kf in self._extra if kf[1].article not in known]
        yield from (f for _, f in sorted(rest, key=self._key))

    def close(self) -> None:
        self._spool.close()
