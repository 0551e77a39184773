"""The Dask engine: the per-article stage as a dask.bag over partitions of work units.

The client plans the units (files, chunks of JSON Lines records) exactly as the
local engine does; the workers read and check them (``pipeline.process_unit``)
and the results come back in partition order, so the report is the same as
the local engine's. The LSH band keys of the near-duplicate check are grouped
on the cluster by a shuffle (bag.groupby with the tasks shuffle); only the
candidate pairs come back, and connected components are formed on the client. ``--scheduler ADDRESS`` points at a running
dask.distributed scheduler; without it a LocalCluster of ``--jobs`` worker
processes is started for the run.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from ..checks import load_all
from ..model import ArticleResult
from .stage import process_unit

UNITS_PER_PARTITION = 8


def _client(options):
    from distributed import Client, LocalCluster     # the optional [dask] extra: only when this engine runs
    if options.scheduler:
        return Client(options.scheduler), None
    cluster = LocalCluster(n_workers=max(1, options.jobs or 1), threads_per_worker=1,
                           processes=True, dashboard_address=None)
    return Client(cluster), cluster


def _process_partition(numbered: tuple[int, list], ruleset, ingest,
                       timed: bool = False) -> tuple[int, list]:

    pno, units = numbered
    out: list = []
    for u in units:
        out.extend(process_unit(u, ruleset, ingest, timed))
    return pno, out


def partitions(units: Iterable, size: int = UNITS_PER_PARTITION) -> Iterator[list]:
    batch: list = []
    for u in units:
        batch.append(u)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _emit_keys(part: tuple[int, list], shufflers: list[tuple[str, Any]]) -> list:
    """((check, band key), (partition, index of the article result in it)) for every key."""
    pno, results = part
    out = []
    i = 0
    for r in results:
        if not isinstance(r, ArticleResult):
            continue
        for name, keys_of in shufflers:
            fp = r.fingerprints.get(name)
            if fp is not None:
                out.extend(((name, int(k)), (pno, i)) for k in keys_of(fp))
        i += 1
    return out


def _pairs_of_group(group: tuple[Any, list]) -> list:
    (name, _key), members = group
    members = sorted(set(members))
    return [(name, members[x], members[y]) for x in range(len(members))
            for y in range(x + 1, len(members))]


def candidate_pairs_bag(results, shufflers):
    """Candidate pairs grouped on the cluster: band keys -> groupby (a tasks shuffle) -> pairs."""
    return (results.map(_emit_keys, shufflers).flatten()
            .groupby(lambda kv: kv[0], shuffle="tasks")
            .map(lambda g: (g[0], [m for _, m in g[1]]))
            .filter(lambda g: len(g[1]) > 1)
            .map(_pairs_of_group).flatten().distinct())


def run_units(units: Iterable, ruleset, options, engine_out: dict) -> Iterator[Any]:
    """Results (ArticleResult | IngestError) of every unit, in input order.

    Candidate pairs of the corpus checks that declare shuffle keys are left in
    ``engine_out["candidates"]`` as pairs of ordinals of the article results.
    """
    import dask                 # the optional [dask] extra: imported only when this engine runs
    import dask.bag as db
    parts = list(partitions(units))
    if not parts:
        return
    shufflers = [(c.name, c.shuffle_keys) for c in load_all().corpus_checks() if c.shuffle_keys]
    client, cluster = _client(options)
    try:
        rs = dask.delayed(ruleset, pure=True)        # one key in the graph, shipped once
        bag = db.from_sequence(list(enumerate(parts)), npartitions=len(parts))
        timed = options.timings is not None
        results = client.persist(bag.map(_process_partition, rs, options.ingest, timed))
        pairs_future = client.compute(candidate_pairs_bag(results, shufflers)) if shufflers else None
        counts: dict[int, int] = {}
        # Partition by partition, in order: memory on the client stays at one partition.
        for fut in client.compute(results.to_delayed()):
            for pno, batch in fut.result():
                counts[pno] = sum(1 for r in batch if isinstance(r, ArticleResult))
                yield from batch
            fut.release()
        if pairs_future is not None:
            offsets, total = {}, 0
            for pno in sorted(counts):
                offsets[pno], total = total, total + counts[pno]
            cands: dict[str, set] = {name: set() for name, _ in shufflers}
            for name, (pa, ia), (pb, ib) in pairs_future.result():
                a, b = offsets[pa] + ia, offsets[pb] + ib
                cands[name].add((min(a, b), max(a, b)))
            engine_out["candidates"] = cands
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
