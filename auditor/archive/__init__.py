"""The archive: fingerprints of articles seen before, to check incoming articles against.

``store`` holds what is stored about an article (``record_for``, made by the same sketches as
an audit's per-article stage), the ``ArchiveStore`` interface and ``SQLiteArchive``, the
default backend; ``redis_store`` the Redis backend. ``open_archive`` picks the backend by the
address; ``open_reader`` is what the engine calls to give the corpus checks
``CorpusContext.archive`` (the checks never import this package: it imports them).
"""
from __future__ import annotations

from ..rules import RuleSet
from .redis_store import RedisArchive, is_redis_url
from .store import ArchiveError, ArchiveStore, SQLiteArchive, check_params

__all__ = ["ArchiveError", "open_archive", "open_reader"]


def open_archive(path: str, readonly: bool = True) -> ArchiveStore:
    """The archive at ``path``: a Redis URL (redis://host:port/db?prefix=name) or a SQLite file."""
    if is_redis_url(path):
        return RedisArchive(path, readonly=readonly)
    return SQLiteArchive(path, readonly=readonly)


def open_reader(path: str, ruleset: RuleSet) -> ArchiveStore:
    """The archive at ``path`` opened read-only for an audit's corpus checks (the engine puts
    it on ``CorpusContext.archive`` and closes it after the corpus stage), its fingerprint
    settings checked against the rules."""
    store = open_archive(path, readonly=True)
    try:
        check_params(store, ruleset)
    except BaseException:
        store.close()
        raise
    return store
