"""Writing files whole or not at all: the one helper every writer (reports, baselines) uses.

``write_atomic`` and ``stream_atomic`` write a temporary file beside the target and rename
it, so a crash never leaves half a file. This is the lowest layer (it imports nothing from
auditor), so the engine, the gate and the renderers can all use it.
"""
from __future__ import annotations

import os
import tempfile
from typing import IO, Callable

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
