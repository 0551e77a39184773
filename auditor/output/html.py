"""Static HTML report in a folder: index.html, a readable overview of the audit.

Jinja2 with autoescape: every text from articles, rules and file names is escaped.
"""
from __future__ import annotations

import os
from typing import IO

import jinja2

from ..model import AuditResult
from . import register, write_atomic
from .text import summary_line

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("auditor.output", "templates"),
    autoescape=True, trim_blocks=True, lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def render_index(result: AuditResult) -> str:
    by_article: dict[str, list] = {}
    for f in result.findings:
        by_article.setdefault(f.article, []).append(f)
    return _ENV.get_template("index.html.j2").render(
        result=result, summary=result.summary(), summary_line=summary_line(result),
        by_article=by_article)


class HtmlRenderer:
    name = "html"

    def render(self, result: AuditResult, destination: "str | IO[str]") -> None:
        if not isinstance(destination, str):
            destination.write(render_index(result))
            return
        folder = destination[:-5] if destination.endswith(".html") else destination
        target = destination if destination.endswith(".html") else os.path.join(folder, "index.html")
        write_atomic(target, render_index(result))


register(HtmlRenderer())
