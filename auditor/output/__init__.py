"""Renderers: one module per output format, each a pure rendering of an AuditResult.

Every renderer has a ``name`` and ``render(result, destination)``; it is
registered in ``RENDERERS``. ``write_atomic`` is the one helper that writes
files: it writes a temporary file beside the target and renames it, so a crash
never leaves half a report.
"""
from __future__ import annotations

import os
import sys
import tempfile
from typing import IO, Callable, Protocol

from ..model import AuditResult


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


_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomic(path: str, data: "str | bytes") -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    if isinstance(data, str):
        stream_atomic(path, lambda fh: fh.write(data))
    else:
        stream_atomic(path, lambda fh: fh.buffer.write(data))


def stream_atomic(path: str, produce: Callable[[IO[str]], None]) -> None:
    """Run ``produce`` on a UTF-8 text stream into a temporary file beside ``path``, then
    rename it to ``path``: the report is written piece by piece (never held whole in memory)
    and a crash never leaves half of it."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=os.path.basename(path), dir=folder)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)     # mkstemp makes 0600; a report is read by others too
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            produce(fh)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


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
