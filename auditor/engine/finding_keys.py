"""Finding fingerprints: the key a baseline and an inline suppression match a finding by.

A finding is keyed by its rule, its article and a hash of the normalised matched text
together with the normalised text of the line(s) it stands on (its context), never by line
number. The per-article stage sets ``Finding.fingerprint`` (``fingerprint_in``, where the
article's text is at hand); baselines (``auditor.gate.baseline``) and the CI renderers read it.
"""
from __future__ import annotations

import hashlib

from ..model import Article, Finding
from ..text import norm_key


def content_hash(rule: str, article: str, text: str, context: str) -> str:
    data = "\x1f".join((rule, article, norm_key(text), norm_key(context)))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:24]


def context_of(article: Article, start: int, end: int) -> str:
    """The text of the line(s) a span stands on (the span itself when there are no lines)."""
    if not article.lines:
        return article.text[start:end]
    first = article.line_at(start)
    last = article.line_at(max(start, end - 1))
    return article.text[first.start:max(last.end, first.end)]


def fingerprint_in(article: Article, f: Finding) -> str:
    return content_hash(f.rule, f.article, f.text, context_of(article, f.start, f.end))


def fingerprint_without_article(f: Finding) -> str:
    """For findings made where the article text is not at hand (corpus checks)."""
    return content_hash(f.rule, f.article, f.text, f.text)


def ensure_fingerprint(f: Finding) -> str:
    if not f.fingerprint:
        f.fingerprint = fingerprint_without_article(f)
    return f.fingerprint
