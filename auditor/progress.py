"""Progress on stderr for long runs: articles done, articles/s, time left (tqdm).

Silent when stderr is not a terminal or with --quiet. The total is estimated
before the run from the inputs (one article per file, one per non-blank JSON
Lines record), so the bar can say how long is left.
"""
from __future__ import annotations

import sys
from typing import Iterable

from .ingest import IngestOptions
from .ingest.common import InputError
from .ingest import iter_files, reader_for
from .ingest import jsonfile


def estimate_total(sources: Iterable[str], options: IngestOptions) -> int | None:
    total = 0
    for item in iter_files([s for s in sources if s != "-"], options):
        if not isinstance(item, tuple):
            continue
        path = item[0]
        if reader_for(path) is jsonfile.read_jsonl:
            try:
                with jsonfile.open_binary(path) as fh:
                    total += sum(1 for line in fh if line.strip())
            except (InputError, OSError, EOFError):
                continue
        else:
            total += 1
    return total or None


class Progress:
    """A tqdm bar fed with the count of articles done; a no-op when not wanted."""

    def __init__(self, total: int | None, enabled: bool, stream=None):
        self.bar = None
        if enabled:
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="article", file=stream or sys.stderr,
                            dynamic_ncols=True, mininterval=0.5, desc="auditing")
        self.done = 0

    def __call__(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n - self.done)
            self.done = n

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def make_progress(sources, options: IngestOptions, quiet: bool,
                  stream=None) -> Progress:
    stream = stream or sys.stderr
    enabled = not quiet and hasattr(stream, "isatty") and stream.isatty()
    return Progress(estimate_total(sources, options) if enabled else None, enabled, stream)

