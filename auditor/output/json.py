"""The report JSON: the public contract, defined by auditor/schemas/report.schema.json."""
from __future__ import annotations

import json
from typing import IO

from ..model import AuditResult
from . import emit, register


def dumps(result: AuditResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


class JsonRenderer:
    name = "json"

    def render(self, result: AuditResult, destination: "str | IO[str] | None") -> None:
        emit(destination, lambda fh: fh.write(dumps(result)))


register(JsonRenderer())
