"""JSON articles: one object or a list (.json), or one object a line (.jsonl/.ndjson, stdin).

Field names are looked up in order (the first present wins) and can be
mapped with ``--field ours=theirs``. A malformed line is reported with its
line number and the other lines are read.
"""
from __future__ import annotations

import gzip
import json
from typing import IO, Any, Iterable, Iterator

from ..model import Article, IngestError
from .common import InputError, IngestOptions, article_from_parts, decode, read_bytes

FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "_id", "uuid"),
    "title": ("title", "headline"),
    "text": ("text", "body", "content", "article"),
    "url": ("url", "link"),
    "outlet": ("outlet", "source", "site", "publisher"),
    "published": ("published", "date", "published_at", "datePublished"),
}


def _field(rec: dict, name: str, options: IngestOptions) -> Any:
    mapped = options.fields.get(name)
    keys = (mapped,) if mapped else FIELDS[name]
    for k in keys:
        v = rec.get(k)
        if v not in (None, ""):
            if name == "outlet" and isinstance(v, dict):   # {"name": ...}
                v = v.get("name")
            return v
    return None


def record_to_article(rec: Any, path: str, default_id: str, options: IngestOptions,
                      file_line: int | None) -> Article:
    if not isinstance(rec, dict):
        raise InputError(f"expected a JSON object, found {type(rec).__name__}", "json", file_line)
    text = _field(rec, "text", options)
    if not isinstance(text, str) or not text.strip():
        names = options.fields.get("text") or "/".join(FIELDS["text"])
        raise InputError(f"record has no text (looked for {names}; map another field with "
                         f"--field text=NAME)", "json", file_line)
    title = _field(rec, "title", options)
    rid = _field(rec, "id", options)
    meta = {}
    for extra in ("authors", "topic", "auditor_suppress", "language"):
        if extra in rec:
            meta[extra] = rec[extra]
    if file_line is not None:
        meta["record_line"] = file_line
    published = _field(rec, "published", options)
    if published is not None:
        meta["published_from"] = "record"
    if title:
        title = str(title)
        lead = len(title) - len(title.lstrip())
        if lead and title.strip():
            meta["title_offset"] = lead     # the report's offsets into the title count it
    return article_from_parts(
        id=str(rid) if rid is not None else default_id, path=path, fmt="json",
        title=title.strip() if title else None, body=text,
        outlet=_opt_str(_field(rec, "outlet", options)), url=_opt_str(_field(rec, "url", options)),
        published=_opt_str(published), meta=meta, file_line=file_line or 1,
    )


def _opt_str(v) -> str | None:
    return None if v is None else str(v)


def read_json(path: str, article_id: str, options: IngestOptions) -> Iterator[Article | IngestError]:
    try:
        data = read_bytes(path, options.max_bytes)
        if path.endswith(".gz"):
            data = _gunzip(data, options.max_bytes)
        text = decode(data)
    except InputError as e:
        yield e.to_error(path)
        return
    dec = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    try:
        if text.startswith("[", pos):
            items = []
            pos = _skip_ws(text, pos + 1)
            if text.startswith("]", pos):
                yield IngestError(path, "empty JSON list", "empty")
                return
            while True:
                obj, end = dec.raw_decode(text, pos)
                items.append((obj, text.count("\n", 0, pos) + 1))
                pos = _skip_ws(text, end)
                if text.startswith(",", pos):
                    pos = _skip_ws(text, pos + 1)
                elif text.startswith("]", pos):
                    break
                else:
                    raise json.JSONDecodeError("expected ',' or ']'", text, pos)
            if text[_skip_ws(text, pos + 1):].strip():
                raise json.JSONDecodeError("extra data after the list", text, pos + 1)
        else:
            obj, end = dec.raw_decode(text, pos)
            if text[end:].strip():
                raise json.JSONDecodeError("extra data after the object (JSON Lines must end in "
                                           ".jsonl or .ndjson)", text, end)
            items = [(obj, text.count("\n", 0, pos) + 1)]
    except json.JSONDecodeError as e:
        yield IngestError(path, f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}",
                          "json", e.lineno)
        return
    many = len(items) > 1
    for i, (obj, line) in enumerate(items):
        default_id = f"{article_id}#{i + 1}" if many else article_id
        try:
            yield record_to_article(obj, path, default_id, options, line)
        except InputError as e:
            yield e.to_error(path)


def open_binary(path: str) -> IO[bytes]:
    """Open a JSON Lines file (gzip by its ending) for reading bytes; URLs through fsspec."""
    if "://" in path:
        try:
            import fsspec
            return fsspec.open(path, "rb", compression="infer").open()
        except FileNotFoundError:
            raise InputError("no such file", "missing") from None
        except Exception as e:
            raise InputError(f"cannot open: {type(e).__name__}: {e}", "unreadable") from None
    try:
        return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")
    except FileNotFoundError:
        raise InputError("no such file or directory", "missing") from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", "unreadable") from None


def read_jsonl(path: str, article_id: str, options: IngestOptions) -> Iterator[Article | IngestError]:
    try:
        fh = open_binary(path)
    except InputError as e:
        yield e.to_error(path)
        return
    with fh:
        yield from read_jsonl_stream(fh, path, article_id, options)


def read_jsonl_stream(fh: Iterable[bytes], path: str, article_id: str,
                      options: IngestOptions) -> Iterator[Article | IngestError]:
    seen_any = False
    try:
        numbered = ((n, raw) for n, raw in enumerate(fh, 1) if raw.strip())
        for item in read_records(numbered, path, article_id, options):
            seen_any = True
            yield item
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        yield IngestError(path, f"cannot read further: {e}", "unreadable")
    if not seen_any:
        yield IngestError(path, "empty file", "empty")


def read_records(records: Iterable[tuple[int, bytes]], path: str, article_id: str,
                 options: IngestOptions) -> Iterator[Article | IngestError]:
    """Articles from raw JSON Lines records given with their line numbers."""
    for lineno, raw in records:
        if len(raw) > options.max_bytes:
            yield IngestError(path, f"record is {len(raw):,} bytes, over the limit of "
                                    f"{options.max_bytes:,}", "too-large", lineno)
            continue
        try:
            line = raw.decode("utf-8-sig") if lineno == 1 else raw.decode("utf-8")
        except UnicodeDecodeError as e:
            yield IngestError(path, f"invalid UTF-8 at byte {e.start} of the line: {e.reason}",
                              "encoding", lineno)
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            yield IngestError(path, f"invalid JSON at column {e.colno}: {e.msg}", "json", lineno)
            continue
        try:
            yield record_to_article(rec, path, f"{article_id}:{lineno}", options, lineno)
        except InputError as e:
            yield e.to_error(path)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    try:
        out = gzip.decompress(data)
    except (OSError, EOFError) as e:
        raise InputError(f"not a valid gzip file: {e}", "unreadable") from None
    if len(out) > max_bytes:
        raise InputError(f"uncompressed size {len(out):,} bytes is over the limit of "
                         f"{max_bytes:,}", "too-large")
    return out
