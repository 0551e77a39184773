"""What every reader shares: safe reading of bytes, decoding, lines, options."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable

from ..model import Article, IngestError, Line
from ..text import split_lines
from ..text import norm_key

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class IngestOptions:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    fields: dict[str, str] = field(default_factory=dict)   # our name -> the record's name
    max_bytes: int = DEFAULT_MAX_BYTES


class InputError(Exception):
    """A problem with one input; becomes an IngestError and the run goes on."""

    def __init__(self, message: str, kind: str = "unreadable", line: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.line = line

    def to_error(self, path: str) -> IngestError:
        return IngestError(path, str(self), self.kind, self.line)


def read_bytes(path: str, max_bytes: int) -> bytes:
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        raise InputError("no such file or directory", "missing") from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", "unreadable") from None
    if size > max_bytes:
        raise InputError(f"file is {size:,} bytes, over the limit of {max_bytes:,} "
                         f"(raise it with --max-bytes)", "too-large")
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except IsADirectoryError:
        raise InputError("is a directory", "unreadable") from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", "unreadable") from None


def decode(data: bytes, *, binary_check: bool = True) -> str:
    """Decode UTF-8 (BOM allowed); refuse binary data and invalid bytes with their position."""
    if not data.strip():
        raise InputError("empty file", "empty")
    if binary_check and b"\x00" in data[:8192]:
        raise InputError("binary file (contains NUL bytes), not text", "binary")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise InputError(f"invalid UTF-8 at byte {e.start} (line {line}, column {col}): "
                         f"{e.reason}", "encoding", line) from None
    if not text.strip():
        raise InputError("empty file (white space only)", "empty")
    return text


def make_lines(text: str, start: int = 0, first_file_line: int = 1,
               fixed_file_line: int | None = None) -> tuple[Line, ...]:
    """The non-blank lines of text[start:], trimmed of surrounding white space.

    ``file_line`` counts every line from ``first_file_line``; with
    ``fixed_file_line`` every line reports that file line (JSON Lines records).
    """
    out: list[Line] = []
    n = first_file_line
    for s, e in split_lines(text, start):
        s2, e2 = s, e
        while s2 < e2 and text[s2].isspace():
            s2 += 1
        while e2 > s2 and text[e2 - 1].isspace():
            e2 -= 1
        if e2 > s2:
            if fixed_file_line is None:
                fl, fc = n, s2 - s + 1
            else:
                fl, fc = fixed_file_line, 1
            out.append(Line(len(out), s2, e2, text[s2:e2], fl, fc))
        n += 1
    return tuple(out)


def headline_index(lines: Iterable[Line], title: str | None) -> int | None:
    """Index of the line holding ``title`` among the first lines, if it is there."""
    if not title:
        return None
    key = norm_key(title)
    for ln in list(lines)[:3]:
        if norm_key(ln.text) == key:
            return ln.index
    return None


HEADLINE_SEP = "\n\n"      # between a headline from metadata and the body it is put before


def article_from_parts(*, id: str, path: str, fmt: str, title: str | None, body: str,
                       outlet=None, url=None, published=None, meta=None,
                       file_line: int | None = None) -> Article:
    """An article whose headline comes from metadata and whose body is given apart.

    If the body already starts with the headline, the text is the body alone;
    otherwise the text is the headline line, a blank line, then the body, so
    that the headline has a place in the text like in any other format, and
    ``meta["text_offset"]`` says where the body begins in it (``Article.fields``
    maps offsets back to the record's fields for the report).
    """
    meta = dict(meta or {})
    body_lines = make_lines(body, fixed_file_line=file_line)
    idx = headline_index(body_lines, title)
    if title and idx is None:
        text = title.strip() + HEADLINE_SEP + body
        meta["headline_from"] = "metadata"
        meta["text_offset"] = len(text) - len(body)
        lines = make_lines(text, fixed_file_line=file_line)
        idx = 0
    else:
        text = body
        lines = body_lines
        if not title and lines:
            idx = 0
            title = lines[0].text
    return Article(id=id, path=path, text=text, lines=lines, title=title, title_line=idx,
                   body_start=(idx + 1) if idx is not None else 0, outlet=outlet, url=url,
                   published=published, format=fmt, meta=meta)
