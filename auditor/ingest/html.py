"""HTML pages: metadata from <head>, body as the visible text by block (lxml).

The article's text is the visible text, one block per line (scripts, styles,
templates and comments dropped, entities decoded, white space inside a block
folded); each line remembers the source line of its block in the HTML file.
"""
from __future__ import annotations

import json
from typing import Iterator

import lxml.etree
import lxml.html

from ..model import Article, IngestError, Line
from .common import InputError, IngestOptions, decode, headline_index, read_bytes

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "br", "body",
    "option", "legend", "label", "button",
}
SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title", "meta", "link",
             "svg", "iframe", "object", "embed", "canvas", "select", "input", "textarea"}


def read(path: str, article_id: str, options: IngestOptions) -> Iterator[Article | IngestError]:
    try:
        source = decode(read_bytes(path, options.max_bytes))
    except InputError as e:
        yield e.to_error(path)
        return
    yield from parse(source, path, article_id)


def parse(source: str, path: str, article_id: str) -> Iterator[Article | IngestError]:
    try:
        # lxml refuses str input that declares an encoding; it is already decoded.
        doc = lxml.html.document_fromstring(_strip_xml_decl(source))
    except (lxml.etree.ParserError, ValueError) as e:
        yield IngestError(path, f"cannot parse HTML: {e}", "html")
        return
    meta = _metadata(doc)
    blocks = _blocks(doc)
    title = meta.pop("title", None)
    parts: list[str] = []
    lines: list[Line] = []
    pos = 0
    title_line = None
    if title and headline_index(_fake_lines(blocks), title) is None:
        # The headline is not in the visible text: give it a line of its own.
        blocks.insert(0, (title, meta.pop("title_line", 1)))
        meta["headline_from"] = "metadata"
        title_line = 0
    meta.pop("title_line", None)
    for text, src_line in blocks:
        if parts:
            parts.append("\n")
            pos += 1
        lines.append(Line(len(lines), pos, pos + len(text), text, src_line, 1))
        parts.append(text)
        pos += len(text)
    if not lines:
        yield IngestError(path, "no visible text in the HTML page", "empty")
        return
    full = "".join(parts)
    if title_line is None:
        title_line = headline_index(lines, title) if title else 0
        if not title:
            title = lines[0].text
    yield Article(
        id=article_id, path=path, text=full, lines=tuple(lines), title=title,
        title_line=title_line, body_start=(title_line + 1) if title_line is not None else 0,
        outlet=meta.pop("outlet", None), url=meta.pop("url", None),
        published=meta.pop("published", None), format="html", meta=meta,
    )


def _strip_xml_decl(source: str) -> str:
    s = source.lstrip()
    if s.startswith("<?xml"):
        end = s.find("?>")
        return s[end + 2:] if end >= 0 else s
    return source


def _fake_lines(blocks):
    return [Line(i, 0, len(t), t, ln, 1) for i, (t, ln) in enumerate(blocks)]


def _meta_content(doc, *selectors) -> tuple[str | None, int]:
    for attr, value in selectors:
        for el in doc.iter("meta"):
            if (el.get(attr) or "").strip().lower() == value:
                content = (el.get("content") or "").strip()
                if content:
                    return content, el.sourceline or 1
    return None, 1


def _metadata(doc) -> dict:
    out: dict = {}
    title, line = _meta_content(doc, ("property", "og:title"), ("name", "og:title"),
                                ("name", "twitter:title"))
    if not title:
        t = doc.find(".//title")
        if t is not None and (t.text_content() or "").strip():
            title, line = " ".join(t.text_content().split()), t.sourceline or 1
    if not title:
        h1 = doc.find(".//h1")
        if h1 is not None and h1.text_content().strip():
            title, line = " ".join(h1.text_content().split()), h1.sourceline or 1
    if title:
        out["title"], out["title_line"] = title, line
    outlet, _ = _meta_content(doc, ("property", "og:site_name"), ("name", "application-name"))
    if outlet:
        out["outlet"] = outlet
    published, _ = _meta_content(doc, ("property", "article:published_time"),
                                 ("name", "article:published_time"), ("name", "pubdate"),
                                 ("name", "date"), ("itemprop", "datepublished"))
    provenance = "html:meta" if published else None
    if not published:
        published = _jsonld_date(doc)
        provenance = "html:json-ld" if published else None
    if not published:
        for t in doc.iter("time"):
            if t.get("datetime"):
                published, provenance = t.get("datetime").strip(), "html:time"
                break
    if published:
        out["published"] = published
        out["published_from"] = provenance
    url = None
    for link in doc.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            url = link.get("href").strip()
            break
    if not url:
        url, _ = _meta_content(doc, ("property", "og:url"))
    if url:
        out["url"] = url
    return out


def _jsonld_date(doc) -> str | None:
    for s in doc.iter("script"):
        if (s.get("type") or "").lower() != "application/ld+json" or not s.text:
            continue
        try:
            data = json.loads(s.text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get("datePublished"), str):
                    return item["datePublished"].strip()
                stack.extend(v for v in item.values() if isinstance(v, (list, dict)))
    return None


def _blocks(doc) -> list[tuple[str, int]]:
    """Visible text split at block boundaries: [(folded text, source line)]."""
    body = doc.find("body")
    root = body if body is not None else doc
    out: list[tuple[str, int]] = []
    buf: list[str] = []
    state = {"line": root.sourceline or 1}

    def flush():
        text = " ".join("".join(buf).split())
        if text:
            out.append((text, state["line"]))
        buf.clear()

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:          # comment or processing instruction: drop, keep its tail
            if el.tail:
                buf.append(el.tail)
            return
        tag = tag.lower()
        if tag in SKIP_TAGS:
            if el.tail:
                buf.append(el.tail)
            return
        block = tag in BLOCK_TAGS
        if block:
            flush()
            state["line"] = el.sourceline or state["line"]
        if el.text:
            if not "".join(buf).strip():
                state["line"] = el.sourceline or state["line"]
            buf.append(el.text)
        for child in el:
            walk(child)
        if block:
            flush()
        if el.tail:
            if not "".join(buf).strip():
                state["line"] = el.sourceline or state["line"]
            buf.append(el.tail)

    walk(root)
    flush()
    return out
