"""The report JSON: the public contract, defined by auditor/schemas/report.schema.json."""
from __future__ import annotations

import json
from typing import IO, Any, Iterable, Iterator

from ..model import AuditResult
from . import emit, register


def dumps(result: AuditResult) -> str:
    return "".join(chunks(result))


def _nested(value: Any, depth: int) -> str:
    """``value`` as json.dumps(indent=2) writes it ``depth`` levels deep (strings never hold
    a raw line break, so indenting every line break indents the value)."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * depth)


def chunks(result: AuditResult) -> Iterator[str]:
    """The report, piece by piece: byte for byte ``json.dumps(result.to_dict(), indent=2)``
    plus a final line break, with one article, finding or cluster converted at a time."""
    lists: list[tuple[str, Iterable[Any]]] = [
        ("articles", result.articles),
        ("findings", (f.to_dict() for f in result.findings)),
        ("clusters", (c.to_dict() for c in result.clusters)),
        ("errors", (e.to_dict() for e in result.errors)),
    ]
    yield '{\n  "tool": ' + _nested(result.tool, 1)
    for key, items in lists:
        yield f',\n  "{key}": ['
        first = True
        for item in items:
            yield ("\n    " if first else ",\n    ") + _nested(item, 2)
            first = False
        yield "]" if first else "\n  ]"
    yield ',\n  "summary": ' + _nested(result.summary(), 1)
    if result.baseline is not None:
        yield ',\n  "baseline": ' + _nested(result.baseline, 1)
    if result.suppressions is not None:
        yield ',\n  "suppressions": ' + _nested(result.suppressions, 1)
    yield "\n}\n"


def write(result: AuditResult, fh: IO[str]) -> None:
    for piece in chunks(result):
        fh.write(piece)


class JsonRenderer:
    name = "json"

    def render(self, result: AuditResult, destination: "str | IO[str] | None") -> None:
        emit(destination, lambda fh: write(result, fh))


register(JsonRenderer())
