"""``fork_map``: a function over items in forked worker processes, results in order.

The corpus stage (``CorpusContext.map``) and the HTML report's page writer use it: the
workers are forked at the call, so they see the caller's state as it is then (spools,
fingerprints, closures, bound methods) without pickling it; only the items and the
results travel.
"""
from __future__ import annotations

import multiprocessing as mp
from typing import Any, Callable, Iterable, Iterator

_FORKED: dict[str, Callable[[Any], Any]] = {}


def _forked_call(arg: Any) -> Any:
    return _FORKED["fn"](arg)


def fork_map(jobs: int) -> Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[Any]] | None:
    """``map(fn, items)`` on ``jobs`` processes: each call forks them, and they see the
    caller's state as it is at that moment (spools, fingerprints, closures); ``fn``'s results
    come back in the items' order. None with one job or where processes cannot fork."""
    if jobs < 2 or "fork" not in mp.get_all_start_methods():
        return None

    def run(fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        items = list(items)
        if len(items) < 2:
            yield from map(fn, items)
            return
        _FORKED["fn"] = fn
        try:
            with mp.get_context("fork").Pool(min(jobs, len(items))) as pool:
                yield from pool.imap(_forked_call, items)
        finally:
            _FORKED.pop("fn", None)
    return run
