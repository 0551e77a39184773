"""The local engine's process pool: workers forked (where the platform can) with the rule
set, each running the per-article stage (``auditor.engine.stage``) on units of input; results
come back in input order.
"""
from __future__ import annotations

import gc
import multiprocessing as mp
import os
from typing import Any, Iterable, Iterator

from ..checks import load_all
from ..ingest import IngestOptions
from ..model import ArticleResult, IngestError
from ..rules import RuleSet
from .stage import process_unit

_WORKER: dict[str, Any] = {}


def _init_worker(ruleset: RuleSet, ingest: IngestOptions, timed: bool = False) -> None:
    _WORKER["ruleset"], _WORKER["ingest"], _WORKER["timed"] = ruleset, ingest, timed
    load_all()


def _work(unit) -> list[ArticleResult | IngestError]:
    out = process_unit(unit, _WORKER["ruleset"], _WORKER["ingest"], _WORKER["timed"])
    if not _WORKER.get("frozen"):
        # the knowledge base and compiled rules, loaded by the first unit, live as long as the
        # worker: out of the cyclic collector's way, it does not walk them again and again
        gc.freeze()
        _WORKER["frozen"] = True
    return out


def run_local(units: Iterable, ruleset: RuleSet, ingest: IngestOptions, jobs: int, chunksize: int,
              timed: bool) -> Iterator[ArticleResult | IngestError]:
    """Results of every unit, in input order: here with one job, else on a pool of ``jobs``."""
    if jobs == 1:
        load_all()
        for unit in units:
            yield from process_unit(unit, ruleset, ingest, timed)
        return
    ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context()
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(ruleset, ingest, timed)) as pool:
        for batch in pool.imap(_work, units, chunksize=chunksize):
            yield from batch
