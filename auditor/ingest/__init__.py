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
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from ..model import Article, IngestError
from . import html, jsonfile, textfile
from .common import DEFAULT_MAX_BYTES, InputError, IngestOptions

__all__ = ["iter_sources", "IngestOptions", "InputError", "DEFAULT_MAX_BYTES", "READERS",
           "reader_for", "plan_units", "read_unit", "FileUnit", "RecordsUnit", "ErrorUnit"]

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
        if is_url(p):
            yield from _url_files(p)
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


# -- work units ---------------------------------------------------------------------
# The per-article stage runs on units of raw input so that reading and parsing
# happen in the workers too: a unit is one file, or a chunk of raw JSON Lines
# records. Units come out in input order; reading them in that order gives the
# same stream as iter_sources.
RECORDS_PER_UNIT = 64


@dataclass(frozen=True)
class FileUnit:
    path: str
    article_id: str


@dataclass(frozen=True)
class RecordsUnit:
    path: str                                  # file path, or "<stdin>"
    article_id: str                            # prefix for records without an id field
    records: tuple[tuple[int, bytes], ...]     # (line number, raw line)


@dataclass(frozen=True)
class ErrorUnit:
    error: IngestError


Unit = "FileUnit | RecordsUnit | ErrorUnit"


def is_url(path: str) -> bool:
    """A path on another file system, read through fsspec (s3://, gs://, file://, ...)."""
    return "://" in path and not path.startswith(("redis://", "rediss://"))


def _url_files(url: str) -> Iterator[tuple[str, str] | IngestError]:
    """The JSON Lines shards a URL or URL glob names (fsspec), in sorted order."""
    try:
        import fsspec
        files = fsspec.open_files(url, "rb")
    except ImportError:
        yield IngestError(url, "reading URLs needs fsspec (pip install 'auditor[dask]')", "unreadable")
        return
    except Exception as e:                      # unknown protocol, missing credentials, ...
        yield IngestError(url, f"cannot list: {type(e).__name__}: {e}", "unreadable")
        return
    names = sorted({f.fs.unstrip_protocol(f.path) for f in files})
    if not names:
        yield IngestError(url, "no such file (or no file matches the pattern)", "missing")
    for name in names:
        if reader_for(name) is not jsonfile.read_jsonl:
            yield IngestError(name, "only JSON Lines (.jsonl, .ndjson, .gz) are read from URLs",
                              "unsupported")
            continue
        yield (name, name)


def count_jsonl_files(paths: Iterable[str], options: IngestOptions) -> int:
    return sum(1 for item in iter_files([p for p in paths if p != "-"], options)
               if isinstance(item, tuple) and _is_jsonl(item[0]))


def _is_jsonl(path: str) -> bool:
    return reader_for(path) is jsonfile.read_jsonl


def plan_units(paths: Iterable[str], options: IngestOptions | None = None, stdin=None,
               records_per_unit: int = RECORDS_PER_UNIT,
               whole_jsonl: bool = False) -> Iterator["FileUnit | RecordsUnit | ErrorUnit"]:
    """Work units of ``paths`` in input order.

    JSON Lines files are split into chunks of records read here, unless ``whole_jsonl``:
    then each file is one unit that the worker reads itself (shards on shared storage).
    """
    options = options or IngestOptions()
    for item in iter_files(paths, options):
        if isinstance(item, IngestError):
            yield ErrorUnit(item)
            continue
        path, aid = item
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _record_units(stream, "<stdin>", "stdin", records_per_unit)
        elif _is_jsonl(path) and not whole_jsonl:
            try:
                fh = jsonfile.open_binary(path)
            except InputError as e:
                yield ErrorUnit(e.to_error(path))
                continue
            with fh:
                yield from _record_units(fh, path, aid, records_per_unit)
        else:
            yield FileUnit(path, aid)


def _record_units(fh, path: str, aid: str, n: int) -> Iterator["RecordsUnit | ErrorUnit"]:
    chunk: list[tuple[int, bytes]] = []
    seen = False
    try:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            seen = True
            chunk.append((lineno, raw))
            if len(chunk) >= n:
                yield RecordsUnit(path, aid, tuple(chunk))
                chunk = []
    except (OSError, EOFError) as e:
        if chunk:
            yield RecordsUnit(path, aid, tuple(chunk))
            chunk = []
        yield ErrorUnit(IngestError(path, f"cannot read further: {e}", "unreadable"))
    if chunk:
        yield RecordsUnit(path, aid, tuple(chunk))
    if not seen:
        yield ErrorUnit(IngestError(path, "empty file", "empty"))


def read_unit(unit, options: IngestOptions) -> Iterator[Article | IngestError]:
    """The articles and errors of one unit, exactly as iter_sources gives them."""
    if isinstance(unit, ErrorUnit):
        yield unit.error
    elif isinstance(unit, RecordsUnit):
        yield from jsonfile.read_records(unit.records, unit.path, unit.article_id, options)
    else:
        reader = reader_for(unit.path) or _sniff(unit.path)
        try:
            yield from reader(unit.path, unit.article_id, options)
        except InputError as e:
            yield e.to_error(unit.path)
        except Exception as e:
            yield IngestError(unit.path, f"unexpected error while reading: {type(e).__name__}: {e}",
                              "internal")
