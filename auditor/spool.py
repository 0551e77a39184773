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
from typing import Any, Iterable

import numpy as np

from .model import Article, Line

# ctx.data keys a corpus check's re-read needs (see nearduplicates.sketch_context)
KEPT_DATA = ("boilerplate_lines", "headline_repeats")


def pack(article: Article, data: dict[str, Any] | None = None) -> bytes:
    """One article and the per-article data the corpus checks need again, as bytes."""
    lines = np.array([(ln.start, ln.end, ln.file_line, ln.file_column) for ln in article.lines],
                     dtype=np.int64).reshape(-1, 4)
    kept = {k: sorted(data[k]) for k in KEPT_DATA if data and k in data}
    return pickle.dumps((article.id, article.path, article.text, lines, article.title,
                         article.title_line, article.body_start, article.outlet, article.url,
                         article.published, article.format, kept), protocol=5)


def unpack(blob: bytes) -> tuple[Article, dict[str, Any]]:
    (aid, path, text, lines, title, title_line, body_start, outlet, url, published, fmt,
     kept) = pickle.loads(blob)
    lns = tuple(Line(i, s, e, text[s:e], fl, fc) for i, (s, e, fl, fc) in enumerate(lines.tolist()))
    art = Article(id=aid, path=path, text=text, lines=lns, title=title, title_line=title_line,
                  body_start=body_start, outlet=outlet, url=url, published=published, format=fmt)
    return art, {k: set(v) for k, v in kept.items()}


class Spool:
    """Append-only temporary file of byte blobs, indexed by key; only the offsets stay in memory."""

    def __init__(self, directory: str | None = None):
        fd, self.path = tempfile.mkstemp(prefix="auditor-spool-", suffix=".bin", dir=directory)
        self._fh = os.fdopen(fd, "w+b")
        self._index: dict[str, tuple[int, int]] = {}
        self._end = 0
        self._lock = threading.Lock()

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
