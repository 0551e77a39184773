"""Article texts for a report rendered from a saved JSON.

The report JSON keeps no article text, only the findings' spans. To draw the
findings in place, ``file_loader`` reads the articles again from their
``path`` (as given, else relative to the report's folder), the way the audit
read them (``auditor.ingest.reread``, the re-read the engine uses too: the same
readers, inline suppression markers stripped, the headline located, with the
default rule packs unless given others). The renderer then checks every finding's
text against the text read; an article whose file is gone or has changed is
shown with its finding spans only, and the page says so.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Any, Callable, Iterable

from ...ingest import IngestOptions
from ...ingest.reread import prepare_article, reread
from ...model import Article
from ...rules import load_ruleset


def file_loader(records: list[dict[str, Any]], base_dirs: Iterable[str] = (),
                ruleset=None) -> Callable[[Iterable[str]], dict[str, Article]]:
    """load(ids) -> {id: Article} for the articles whose file can be found."""
    by_path: dict[str, list[str]] = {}
    for r in records:
        p = r.get("path")
        if isinstance(p, str) and p and p != "<stdin>":
            by_path.setdefault(p, []).append(r["id"])
    bases = [b for b in base_dirs if b]

    def locate(path: str) -> str | None:
        candidates = [path] if os.path.isabs(path) else [path] + [os.path.join(b, path) for b in bases]
        return next((c for c in candidates if os.path.isfile(c)), None)

    def load(ids: Iterable[str]) -> dict[str, Article]:
        nonlocal ruleset
        if ruleset is None:
            ruleset = load_ruleset([])
        wanted = set(ids)
        out: dict[str, Article] = {}
        options = IngestOptions()
        for path, members in by_path.items():
            if not wanted.intersection(members):
                continue
            real = locate(path)
            if real is None:
                continue
            # the k-th article read from a file is the k-th record with that path: ids depend on
            # the folder the audit was given, the order in a file does not
            left = len(wanted.intersection(members))
            try:
                for k, (_src, a) in enumerate(reread([real], options)):
                    if k >= len(members):
                        break
                    aid = members[k]
                    if aid in wanted:
                        a = dataclasses.replace(a, id=aid, path=path)
                        out[aid] = prepare_article(a, ruleset)
                        left -= 1
                        if not left:
                            break       # the rest of the file holds none of them
            except OSError:
                continue
        return out

    return load
