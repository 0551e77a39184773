"""Readers: paths, folders and stdin -> a stream of Article or IngestError.

One reader per format (textfile, html, jsonfile). Folders are walked
recursively in sorted order; ``--include``/``--exclude`` globs match the path
relative to the folder (and the file name). Every problem becomes an
IngestError and reading goes on.
"""
from __future__ import annotations

import fnmatch
import os
import sys
from typing import Callable, Iterable, Iterator

from ..model import Article, IngestError
from . import html, jsonfile, textfile
from .common import DEFAULT_MAX_BYTES, InputError, IngestOptions

__all__ = ["iter_sources", "IngestOptions", "InputError", "DEFAULT_MAX_BYTES", "READERS",
           "reader_for"]

Reader = Callable[[str, str, IngestOptions], Iterator["Article | IngestError"]]

# File endings and their readers; a folder walk reads only these.
READERS: dict[str, Reader] = {
    ".txt": textfile.read, ".text": textfile.read, ".md": textfile.read, ".markdown": textfile.read,
    ".html": html.read, ".htm": html.read, ".xhtml": html.read,
    ".json": jsonfile.read_json, ".json.gz": jsonfile.read_json,
    ".jsonl": jsonfile.read_jsonl, ".ndjson": jsonfile.read_jsonl,
    ".jsonl.gz": jsonfile.read_jsonl, ".ndjson.gz": jsonfile.read_jsonl,
}


def reader_for(path: str) -> Reader | None:
    low = path.lower()
    for ending in sorted(READERS, key=len, reverse=True):
        if low.endswith(ending):
            return READERS[ending]
    return None


def _matches(rel: str, patterns: Iterable[str]) -> bool:
    name = os.path.basename(rel)
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)


def _selected(rel: str, options: IngestOptions) -> bool:
    if options.include and not _matches(rel, options.include):
        return False
    return not (options.exclude and _matches(rel, options.exclude))


def iter_files(paths: Iterable[str], options: IngestOptions) -> Iterator[tuple[str, str] | IngestError]:
    """(path, article id) of every file to read, in a stable order, or errors."""
    for p in paths:
        if p == "-":
            yield ("-", "stdin")
            continue
        if os.path.isdir(p):
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for name in files:
                    if name.startswith(".") or reader_for(name) is None:
                        continue
                    full = os.path.join(root, name)
                    rel = os.path.relpath(full, p).replace(os.sep, "/")
                    if _selected(rel, options):
                        found.append((rel, full))
            if not found:
                yield IngestError(p, "folder holds no article files (.txt .md .html .json .jsonl "
                                     "...) that the include/exclude globs select", "empty")
            for rel, full in sorted(found):
                yield (full, rel)
        elif os.path.exists(p) or os.path.islink(p):
            yield (p, p)
        else:
            yield IngestError(p, "no such file or directory", "missing")


def iter_sources(paths: Iterable[str], options: IngestOptions | None = None,
                 stdin=None) -> Iterator[Article | IngestError]:
    """Every article of ``paths`` (files, folders, ``-`` for JSONL on stdin)."""
    options = options or IngestOptions()
    for item in iter_files(paths, options):
        if isinstance(item, IngestError):
            yield item
            continue
        path, aid = item
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from jsonfile.read_jsonl_stream(stream, "<stdin>", "stdin", options)
            continue
        reader = reader_for(path) or _sniff(path)
        try:
            yield from reader(path, aid, options)
        except InputError as e:          # a reader's own guard
            yield e.to_error(path)
        except Exception as e:           # never let one file stop the run
            yield IngestError(path, f"unexpected error while reading: {type(e).__name__}: {e}",
                              "internal")


def _sniff(path: str) -> Reader:
    """A file named explicitly with an unknown ending: HTML if it looks like it, else text."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(2048).lstrip().lower()
    except OSError:
        return textfile.read
    if head.startswith((b"<!doctype html", b"<html")):
        return html.read
    return textfile.read
