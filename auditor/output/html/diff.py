"""Shared and differing passages of a cluster's members, word by word.

Words are compared by their normalised key (case, quotes, dashes and
punctuation do not count), aligned with rapidfuzz's Indel opcodes (bit-parallel,
so long articles stay fast). Each member is compared with the cluster's
reference member (the original, else the first); the reference marks a word
as shared when any other member shares it.
"""
from __future__ import annotations

from markupsafe import Markup

from ...text import norm_key, token_spans


def words(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    spans, keys = [], []
    for s, e, w in token_spans(text):
        spans.append((s, e))
        keys.append(norm_key(w) or w.lower())
    return spans, keys


def shared_flags(ref_keys: list[str], other_keys: list[str],
                 min_run: int = 1) -> tuple[list[bool], list[bool]]:
    """For each word of each side: is it in an aligned equal run of ``min_run`` words or more?
    (Single common words such as "the" inside rewritten passages do not count as shared.)"""
    from rapidfuzz.distance import Indel
    a = [False] * len(ref_keys)
    b = [False] * len(other_keys)
    if not ref_keys or not other_keys:
        return a, b
    for op in Indel.opcodes(ref_keys, other_keys):
        if op.tag == "equal" and op.src_end - op.src_start >= min_run:
            for i in range(op.src_start, op.src_end):
                a[i] = True
            for j in range(op.dest_start, op.dest_end):
                b[j] = True
    return a, b


def render_marked(text: str, spans: list[tuple[int, int]], flags: list[bool]) -> Markup:
    """The text with runs of shared words in <span class=same> and the others in <ins>."""
    out: list[Markup] = []
    pos = 0
    i = 0
    n = len(spans)
    while i < n:
        state = flags[i]
        j = i
        while j + 1 < n and flags[j + 1] == state:
            j += 1
        s, e = spans[i][0], spans[j][1]
        if s > pos:
            out.append(Markup("{}").format(text[pos:s]))
        tag = ('<span class="same">{}</span>' if state else '<ins class="differ">{}</ins>')
        out.append(Markup(tag).format(text[s:e]))
        pos = e
        i = j + 1
    if pos < len(text):
        out.append(Markup("{}").format(text[pos:]))
    return Markup("").join(out)


def compare(texts: list[str], ref: int = 0, min_run: int = 3) -> list[tuple[Markup, float]]:
    """Each text marked against the reference, with the share of its words found there."""
    tokenised = [words(t) for t in texts]
    ref_spans, ref_keys = tokenised[ref]
    ref_flags = [False] * len(ref_keys)
    out: list[tuple[Markup, float] | None] = [None] * len(texts)
    for k, (spans, keys) in enumerate(tokenised):
        if k == ref:
            continue
        a, b = shared_flags(ref_keys, keys, min_run)
        ref_flags = [x or y for x, y in zip(ref_flags, a)]
        out[k] = (render_marked(texts[k], spans, b), (sum(b) / len(b)) if b else 0.0)
    out[ref] = (render_marked(texts[ref], ref_spans, ref_flags),
                (sum(ref_flags) / len(ref_flags)) if ref_flags else 0.0)
    return out  # type: ignore[return-value]
