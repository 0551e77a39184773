"""The report JSON: the public contract, defined by auditor/schemas/report.schema.json."""
from __future__ import annotations

import json
from typing import IO, Any, Iterable, Iterator

import orjson

from ..model import AuditResult
from . import emit, register


def dumps(result: AuditResult) -> str:
    return "".join(chunks(result))


def _indented(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` at orjson's speed.

    With ``indent`` the standard library falls back to its pure-Python encoder, which made
    writing the report a tenth of a whole run. orjson writes the same text for the values a
    report holds (checked byte for byte on 3,000 AllSides articles); a value it does not take
    (an integer wider than 64 bits, a key that is not a string) goes to the standard library.
    Differences: a float below 1e-4 is written as 1.5e-7 or 0.00001 (json: 1.5e-07, 1e-05),
    the same number; a NaN or infinite float, which no check produces, becomes null (valid
    JSON) instead of the standard library's NaN (not JSON)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
    except TypeError:
        return json.dumps(value, ensure_ascii=False, indent=2)


def _nested(value: Any, depth: int) -> str:
    """``value`` as json.dumps(indent=2) writes it ``depth`` levels deep (strings never hold
    a raw line break, so indenting every line break indents the value)."""
    return _indented(value).replace("\n", "\n" + "  " * depth)


def chunks(result: AuditResult) -> Iterator[str]:
    """The report, piece by piece: ``json.dumps(result.to_dict(), indent=2)`` plus a final
    line break, with one article, finding or cluster converted at a time; byte for byte the
    same but for the number forms ``_indented`` names."""
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
