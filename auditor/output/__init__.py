"""Renderers: one module per output format, each a pure rendering of an AuditResult.

Every renderer has a ``name`` and ``render(result, destination)``; it is
registered in ``RENDERERS``. Files are written through ``auditor.files``
(``write_atomic``, ``stream_atomic``: a temporary file beside the target, then a
rename, so a crash never leaves half a report); they are re-exported here for the
renderers.
"""
from __future__ import annotations

import sys
from typing import IO, Callable, Protocol

from ..files import stream_atomic, write_atomic
from ..model import AuditResult

__all__ = ["Renderer", "RENDERERS", "register", "emit", "get", "names", "stream_atomic",
           "write_atomic"]


class Renderer(Protocol):
    name: str

    def render(self, result: AuditResult, destination: "str | IO[str]") -> None: ...


# The output formats, in the order the CLI offers them. Each names the module of this package
# that registers its renderer under that name (read by cli.py and ci.py; a test checks both ways).
FORMATS: tuple[str, ...] = ("text", "json", "jsonl", "sarif", "github", "junit", "html")

RENDERERS: dict[str, Renderer] = {}


def register(renderer: Renderer) -> Renderer:
    RENDERERS[renderer.name] = renderer
    return renderer


def emit(destination: "str | IO[str] | None", produce: Callable[[IO[str]], None]) -> None:
    """Run ``produce`` on a stream: stdout for None or '-', else a file written atomically."""
    if destination is None or destination == "-":
        produce(sys.stdout)
        return
    if not isinstance(destination, str):
        produce(destination)
        return
    stream_atomic(destination, produce)


def get(name: str) -> Renderer:
    _load()
    try:
        return RENDERERS[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}; known: {', '.join(sorted(RENDERERS))}") from None


def _load() -> None:
    import importlib
    import pkgutil
    for mod in pkgutil.iter_modules(__path__):
        if not mod.name.startswith("_"):
            importlib.import_module(f"{__name__}.{mod.name}")


def names() -> list[str]:
    """The output formats (``FORMATS``), in the CLI's order."""
    return list(FORMATS)
