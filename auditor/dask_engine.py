"""The Dask engine: the per-article stage as a dask.bag over partitions of work units.

The client plans the units (files, chunks of JSON Lines records) exactly as the
local engine does; the workers read and check them (``pipeline.process_unit``)
and the results come back in partition order, so the report is the same as
the local engine's. ``--scheduler ADDRESS`` points at a running
dask.distributed scheduler; without it a LocalCluster of ``--jobs`` worker
processes is started for the run.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

UNITS_PER_PARTITION = 8


def _client(options):
    from distributed import Client, LocalCluster
    if options.scheduler:
        return Client(options.scheduler), None
    cluster = LocalCluster(n_workers=max(1, options.jobs or 1), threads_per_worker=1,
                           processes=True, dashboard_address=None)
    return Client(cluster), cluster


def _process_partition(units: list, ruleset, ingest) -> list:
    from .pipeline import process_unit
    out: list = []
    for u in units:
        out.extend(process_unit(u, ruleset, ingest))
    return out


def partitions(units: Iterable, size: int = UNITS_PER_PARTITION) -> Iterator[list]:
    batch: list = []
    for u in units:
        batch.append(u)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_units(units: Iterable, ruleset, options) -> Iterator[Any]:
    """Results (ArticleResult | IngestError) of every unit, in input order."""
    import dask
    import dask.bag as db
    parts = list(partitions(units))
    if not parts:
        return
    client, cluster = _client(options)
    try:
        rs = dask.delayed(ruleset, pure=True)        # one key in the graph, shipped once
        bag = db.from_sequence(parts, npartitions=len(parts))
        futures = client.compute(bag.map(_process_partition, rs, options.ingest).to_delayed())
        # Partition by partition, in order: memory on the client stays at one partition.
        for fut in futures:
            for batch in fut.result():
                yield from batch
            fut.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
