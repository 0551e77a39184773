"""Progress on stderr for long runs: articles done, articles/s, time left (tqdm).

Silent when stderr is not a terminal or with --quiet. The total is estimated
before the run from the inputs (one article per file, one per non-blank JSON
Lines record), so the bar can say how long is left. After the articles, the same
bar follows the rest of the run (``Progress.phase``): the corpus checks, one
count per check, and the writing of the report, one count per article page.
"""
from __future__ import annotations

import sys
from typing import Iterable

from ..ingest import IngestOptions
from ..ingest.common import InputError
from ..ingest import iter_files, reader_for
from ..ingest import jsonfile


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
    """A tqdm bar fed with the count of articles done; a no-op when not wanted.

    ``phase`` ends the bar (its last line stays on screen: how many, how long) and starts
    the next part of the run on a new one."""

    def __init__(self, total: int | None, enabled: bool, stream=None):
        self.bar = None
        self.enabled, self.stream = enabled, stream or sys.stderr
        self.done = 0
        self._start("auditing", total, "article")

    def _start(self, desc: str, total: int | None, unit: str | None) -> None:
        if self.enabled:
            from tqdm import tqdm
            timer = {"bar_format": "{desc}: {elapsed}"} if unit is None else {}
            self.bar = tqdm(total=total, unit=unit or "it", file=self.stream, dynamic_ncols=True,
                            mininterval=0.5, desc=desc, **timer)
        self.done = 0

    def __call__(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n - self.done)
            self.done = n

    def phase(self, desc: str, total: int | None, unit: str | None = "article") -> None:
        """Go on to the next part of the run: a new bar that says ``desc`` and counts ``unit``
        from 0 (of ``total`` when known); with ``unit`` None, a timer alone."""
        self.close()
        self._start(desc, total, unit)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def make_progress(sources, options: IngestOptions, quiet: bool,
                  stream=None) -> Progress:
    stream = stream or sys.stderr
    enabled = not quiet and hasattr(stream, "isatty") and stream.isatty()
    return Progress(estimate_total(sources, options) if enabled else None, enabled, stream)

