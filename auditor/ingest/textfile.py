"""Plain text and Markdown articles, with optional YAML front matter.

The article's text is the whole file, so offsets and line numbers are those of
the file itself. Front matter (between ``---`` lines at the very top) may give
title, outlet, url, published and id; otherwise the headline is the first
non-blank line.
"""
from __future__ import annotations

import re
from typing import Iterator

import yaml

from ..model import Article, IngestError
from .common import InputError, IngestOptions, decode, headline_index, make_lines, read_bytes

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
META_KEYS = ("title", "outlet", "url", "published", "id")


def read(path: str, article_id: str, options: IngestOptions) -> Iterator[Article | IngestError]:
    try:
        text = decode(read_bytes(path, options.max_bytes))
    except InputError as e:
        yield e.to_error(path)
        return
    yield from parse(text, path, article_id, "markdown" if path.lower().endswith((".md", ".markdown")) else "text")


def parse(text: str, path: str, article_id: str, fmt: str = "text") -> Iterator[Article | IngestError]:
    meta: dict = {}
    body_start = 0
    first_line = 1
    m = _FRONT.match(text)
    if m:
        body_start = m.end()
        first_line = text.count("\n", 0, body_start) + 1
        try:
            loaded = yaml.safe_load(m.group(1)) or {}
            if not isinstance(loaded, dict):
                raise ValueError("front matter is not a mapping of keys to values")
            meta = loaded
        except (yaml.YAMLError, ValueError) as e:
            where = getattr(e, "problem_mark", None)
            line = (where.line + 2) if where is not None else 2
            yield IngestError(path, f"invalid YAML front matter ({getattr(e, 'problem', None) or e}); "
                                    f"the article is read without it", "front-matter", line)
            meta = {}
    lines = make_lines(text, body_start, first_line)
    if not lines:
        yield IngestError(path, "no text after the front matter", "empty")
        return
    title = _str(meta.get("title"))
    extra = {k: v for k, v in meta.items() if k not in META_KEYS}
    if title:
        idx = headline_index(lines, title)
        extra["headline_from"] = "front-matter"
    else:
        idx = 0
        title = lines[0].text
    published = meta.get("published", meta.get("date"))
    if published is not None:
        extra["published_from"] = "front-matter"
    yield Article(
        id=_str(meta.get("id")) or article_id, path=path, text=text, lines=lines, title=title,
        title_line=idx, body_start=(idx + 1) if idx is not None else 0,
        outlet=_str(meta.get("outlet")), url=_str(meta.get("url")),
        published=_str(published), format=fmt, meta=_jsonable(extra),
    )


def _str(v) -> str | None:
    if v is None or v == "":
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _jsonable(d: dict) -> dict:
    out = {}
    for k, v in d.items():
        if hasattr(v, "isoformat"):
            v = v.isoformat()
        out[str(k)] = v
    return out
