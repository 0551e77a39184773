"""The Dragnet boilerplate pages as auditor reads them, each line labelled content or boilerplate.

Reads ../shared/data/boilerplate-dragnet/dragnet.tar.gz (1,381 news and blog pages of
2012-2013 with their hand-cleaned main content; for development only, not shipped; see its
PROVENANCE.txt). Each page's visible text is produced by auditor's own HTML reader
(``auditor.ingest.html``), one block a line, exactly as the check sees it at run time; a
title line the reader adds from the metadata (not in the visible text) is left out, since a
page read as text has none.

Labels (PROVENANCE.txt): a line is *content* when its text, white space folded, is found in the
page's GoldStandard text (folded the same way), starting and ending at word boundaries;
*boilerplate* otherwise. A page whose gold text is mostly not found in the visible text
(content lines cover under ``MIN_COVERAGE`` of the gold characters) is dropped.

*Body*: the lines from the first to the last content line of the page; the issue scores the
boilerplate standing there.

Split: a page is in the dev split when the first byte of the MD5 of its file name is below
52 (about 20 %), else in train; the split never changes with the data's order. Nothing is
tuned on dev.

The parsed pages are cached in the temporary folder (``auditor-dragnet-lines.pkl``).
"""
from __future__ import annotations

import hashlib
import pickle
import re
import sys
import tarfile
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from auditor.ingest.common import decode  # noqa: E402
from auditor.ingest.html import parse  # noqa: E402
from auditor.model import Article  # noqa: E402

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "boilerplate-dragnet" / "dragnet.tar.gz"
CACHE = Path(tempfile.gettempdir()) / "auditor-dragnet-lines.v3.pkl"
MIN_COVERAGE = 0.6


@dataclass
class Page:
    name: str            # e.g. "102"
    split: str           # "train" | "dev"
    lines: list[str]     # visible text, one block a line
    labels: list[int]    # 1 boilerplate, 0 content
    coverage: float      # share of the gold characters the content lines cover
    site: str = ""       # the page's host (site_of()): pages of one site share their furniture

    @property
    def body(self) -> tuple[int, int]:
        """(first, last) content line index, or (0, -1) without content."""
        idx = [i for i, y in enumerate(self.labels) if y == 0]
        return (idx[0], idx[-1]) if idx else (0, -1)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def split_of(name: str) -> str:
    return "dev" if hashlib.md5(name.encode()).digest()[0] < 52 else "train"


_HREF = re.compile(r"""href=["']?(https?://[^"'/\s>]+)""", re.I)


def _host(url: str) -> str:
    h = urlparse(url.strip()).netloc.lower().rsplit("@", 1)[-1].split(":")[0]
    return h[4:] if h.startswith("www.") else h


def site_of(url: str | None, source: str) -> str:
    """The page's site: the host of its canonical or og:url address (auditor's reader keeps it
    as the article's url), else the host its links name most often, without ``www.``."""
    if url and url.strip().lower().startswith("http"):
        h = _host(url)
        if h:
            return h
    c = Counter(_host(u) for u in _HREF.findall(source))
    c.pop("", None)
    return c.most_common(1)[0][0] if c else ""


def _fold(s: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", s).split())


def _occurrences(line: str, gold: str) -> list[int]:
    """Where ``line`` stands in ``gold`` between word boundaries."""
    out = []
    start = 0
    n = len(line)
    while True:
        i = gold.find(line, start)
        if i < 0:
            return out
        before = gold[i - 1] if i > 0 else " "
        after = gold[i + n] if i + n < len(gold) else " "
        if not (before.isalnum() and line[0].isalnum()) and not (after.isalnum() and line[-1].isalnum()):
            out.append(i)
        start = i + 1


def _text(data: bytes) -> str:
    try:
        return decode(data)
    except Exception:
        return data.decode("cp1252", errors="replace")


def label_lines(lines: list[str], gold: str) -> tuple[list[int], float]:
    """(labels, coverage). Long lines (ANCHOR_CHARS or more) are content when found in the gold
    text; a shorter line ("Politics", "Share") only when found between the gold positions of
    the anchors around it, in reading order, so a menu word that the story happens to use is
    not taken for content."""
    gold = _fold(gold)
    folded = [_fold(t) for t in lines]
    occ = [_occurrences(f, gold) if f else [] for f in folded]
    anchor = {i: o[0] for i, o in enumerate(occ) if o and len(folded[i]) >= ANCHOR_CHARS}
    # keep anchors in increasing gold order (longest chain by characters)
    idx = sorted(anchor)
    best: list[tuple[int, int]] = []     # (score, previous) per anchor
    for k, i in enumerate(idx):
        sc, prev = len(folded[i]), -1
        for m in range(k):
            j = idx[m]
            if anchor[j] + len(folded[j]) <= anchor[i] and best[m][0] + len(folded[i]) > sc:
                sc, prev = best[m][0] + len(folded[i]), m
        best.append((sc, prev))
    chain: dict[int, int] = {}
    if best:
        k = max(range(len(best)), key=lambda m: best[m][0])
        while k >= 0:
            chain[idx[k]] = anchor[idx[k]]
            k = best[k][1]
    order = sorted(chain)
    labels = [1] * len(lines)
    covered = [False] * len(gold)

    def claim(i: int, at: int) -> None:
        labels[i] = 0
        for c in range(at, at + len(folded[i])):
            covered[c] = True
    for i in order:
        claim(i, chain[i])
    import bisect
    for i, o in enumerate(occ):
        if not o or i in chain:
            continue
        k = bisect.bisect_left(order, i)
        lo = chain[order[k - 1]] + len(folded[order[k - 1]]) if k > 0 else 0
        hi = chain[order[k]] if k < len(order) else len(gold)
        for at in o:
            if lo <= at and at + len(folded[i]) <= hi and not covered[at]:
                claim(i, at)
                break
    return labels, sum(covered) / len(gold) if gold else 0.0


ANCHOR_CHARS = 40


def label_page(name: str, html: bytes, gold_bytes: bytes) -> dict | None:
    source = _text(html)
    arts = [a for a in parse(source, f"{name}.html", name) if isinstance(a, Article)]
    if not arts:
        return None
    art = arts[0]
    lines = [ln.text for ln in art.lines]
    if art.meta.get("headline_from") == "metadata":
        lines = lines[1:]
    gold = _text(gold_bytes)
    if not gold.strip() or not lines:
        return None
    labels, cov = label_lines(lines, gold)
    return {"name": name, "split": split_of(name), "lines": lines, "labels": labels, "coverage": cov,
            "site": site_of(art.url, source)}


def load_pages(keep_all: bool = False) -> list[Page]:
    """Every usable page (coverage at least MIN_COVERAGE unless ``keep_all``), sorted by name."""
    if CACHE.exists():
        pages = [Page(**d) for d in pickle.loads(CACHE.read_bytes())]
    else:
        if not DATA.exists():
            raise SystemExit(f"{DATA} not found: this script needs ../shared/data (not shipped)")
        inputs: dict[str, bytes] = {}
        golds: dict[str, bytes] = {}
        with tarfile.open(DATA) as tar:
            for m in tar:
                if not m.isfile():
                    continue
                p = Path(m.name)
                data = tar.extractfile(m).read()
                if p.parent.name == "input" and p.suffix == ".html":
                    inputs[p.stem] = data
                elif p.parent.name == "GoldStandard" and p.suffix == ".txt":
                    golds[p.stem] = data
        pages = []
        for name in sorted(inputs, key=lambda s: (len(s), s)):
            if name in golds:
                pg = label_page(name, inputs[name], golds[name])
                if pg is not None:
                    pages.append(pg)
        CACHE.write_bytes(pickle.dumps(pages))
        pages = [Page(**d) for d in pages]
    return pages if keep_all else [p for p in pages if p.coverage >= MIN_COVERAGE]


if __name__ == "__main__":
    allp = load_pages(keep_all=True)
    kept = [p for p in allp if p.coverage >= MIN_COVERAGE]
    print(f"{len(allp)} pages parsed, {len(kept)} kept (gold coverage >= {MIN_COVERAGE})")
    for split in ("train", "dev"):
        ps = [p for p in kept if p.split == split]
        n = sum(len(p.lines) for p in ps)
        bp = sum(sum(p.labels) for p in ps)
        body_bp = sum(sum(p.labels[p.body[0]:p.body[1] + 1]) for p in ps)
        body_n = sum(p.body[1] - p.body[0] + 1 for p in ps)
        print(f"{split}: {len(ps)} pages, {n} lines, {bp} boilerplate; body {body_n} lines, {body_bp} boilerplate")
