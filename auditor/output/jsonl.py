"""JSON Lines: one object per line, for streaming and grep.

Each line has a ``type``: ``finding`` (the report's finding object plus the
article's ``path``), ``error`` (an input that could not be read), and last a
``summary`` line (the report's summary, with the tool).
"""
from __future__ import annotations

import json
from typing import IO

from ..model import AuditResult
from . import emit, register
from ._ci import article_paths


def _write(result: AuditResult, fh: IO[str]) -> None:
    paths = article_paths(result)
    for f in result.findings:
        d = {"type": "finding", "path": paths.get(f.article, f.article), **f.to_dict()}
        fh.write(json.dumps(d, ensure_ascii=False) + "\n")
    for e in result.errors:
        fh.write(json.dumps({"type": "error", **e.to_dict()}, ensure_ascii=False) + "\n")
    fh.write(json.dumps({"type": "summary", "tool": result.tool, **result.summary()},
                        ensure_ascii=False) + "\n")


class JsonlRenderer:
    name = "jsonl"

    def render(self, result: AuditResult, destination: "str | IO[str] | None") -> None:
        emit(destination, lambda fh: _write(result, fh))


register(JsonlRenderer())
