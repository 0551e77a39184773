"""Text helpers: normalisation with a way back to the original, lines, sentences, tokens.

``normalise`` applies NFKC, straightens curly quotes, turns en/em dashes and
their relatives into ``-``, folds runs of white space into one space and,
on demand, case-folds. The result carries an offset map so that any span of
the normalised text maps back to the exact span of the original.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from typing import AbstractSet, Iterator

# Characters replaced one for one (length preserving).
_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
}
_DASHES = {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+(?:['\-]\w+)*")


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text with a piecewise map back to the original.

    ``_norm_starts[i]``/``_orig_starts[i]`` start a segment in which the two
    texts advance together; a collapsed white-space run or an NFKC expansion
    starts a new segment.
    """

    text: str
    original: str
    _norm_starts: tuple[int, ...]
    _orig_starts: tuple[int, ...]

    def to_original(self, pos: int) -> int:
        """Offset in the original text of normalised offset ``pos`` (0..len)."""
        if not self.text:
            return 0
        if pos >= len(self.text):
            return self._map(len(self.text) - 1) + 1
        return self._map(max(0, pos))

    def _map(self, pos: int) -> int:
        i = bisect_right(self._norm_starts, pos) - 1
        if i < 0:
            return 0
        return self._orig_starts[i] + (pos - self._norm_starts[i])

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the normalised span [start, end).

        The end is where the next normalised character begins in the original
        (so a character composed from several original ones is taken whole),
        and never before the end of the span's own last character.
        """
        n = len(self.text)
        if end <= start or not self.text:
            o = self.to_original(start)
            return o, o
        s = self._map(start)
        last = self._map(min(end, n) - 1)
        if end < n:
            e = self._map(end)
            if e <= last:
                # ``end`` is inside a cluster NFKC rewrote (every character of it maps to the
                # cluster's start): the span takes the cluster whole, up to the next segment.
                j = bisect_right(self._norm_starts, end)
                while j < len(self._orig_starts) and self._orig_starts[j] <= last:
                    j += 1
                e = self._orig_starts[j] if j < len(self._orig_starts) else len(self.original)
        else:
            e = len(self.original.rstrip()) if self.original.rstrip() else len(self.original)
        return s, max(e, last + 1)


def normalise(text: str, casefold: bool = False, strip: bool = True) -> Normalized:
    """Normalise ``text`` (see module doc); ``strip`` trims leading/trailing space.

    The offset map is piecewise: a new segment starts only where the texts stop advancing
    together (a white-space run other than one plain space, a character NFKC changes), so
    ordinary prose costs a handful of segments, not one entry per character.
    """
    if text.isascii():
        base, nk = text, None
    elif unicodedata.is_normalized("NFKC", text):
        base, nk = _straighten(text), None
    else:
        base, nk = _nfkc_segments(text)
        base = _straighten(base)
    if strip:
        lead = len(base) - len(base.lstrip())
        end = len(base.rstrip()) if base.strip() else lead
    else:
        lead, end = 0, len(base)
    ns: list[int] = [0]          # normalised offset where a segment starts
    bs: list[int] = [lead]       # ... and the offset in ``base`` it maps to
    pieces: list[str] = []
    npos, last = 0, lead
    for m in _ODD_WS.finditer(base, lead, end):
        s, e = m.span()
        if s > last:
            pieces.append(base[last:s])
            npos += s - last
        pieces.append(" ")
        ns.append(npos)
        bs.append(s)
        npos += 1
        ns.append(npos)
        bs.append(e)
        last = e
    if last < end:
        pieces.append(base[last:end])
    out = "".join(pieces)
    ns, bs = _dedupe_segments(ns, bs)
    if nk is not None:
        ns, bs = _compose(ns, bs, len(out), nk)
    if casefold:
        folded = out.lower()
        # lower() keeps length for nearly all text; fall back to per-char when not.
        out = folded if len(folded) == len(out) else "".join(
            c.lower() if len(c.lower()) == 1 else c for c in out)
    return Normalized(out, text, tuple(ns), tuple(bs))


# White space that changes the map: runs of two or more, or one character other than " "
# (the matches of r"\s{2,}|[^\S ]", found in about half the time)
_ODD_WS = re.compile(r"[^\S ]\s*| \s+")


def _straighten(text: str, first: tuple[tuple[str, str], ...] = ()) -> str:
    """Curly quotes straight, dashes to hyphens (one for one), after the replacements of
    ``first`` (one character for one ASCII character each). One ``str.replace`` per character
    present: much faster than ``translate`` or a substitution calling back per character,
    and the same text, since every replacement is ASCII and never replaced again."""
    for ch, repl in first + _STRAIGHT_PAIRS:
        if ch in text:
            text = text.replace(ch, repl)
    return text


_STRAIGHT_PAIRS = tuple({**_QUOTES, **_DASHES}.items())


def _dedupe_segments(ns: list[int], bs: list[int]) -> tuple[list[int], list[int]]:
    out_n: list[int] = []
    out_b: list[int] = []
    for a, b in zip(ns, bs):
        if out_n and out_n[-1] == a:
            out_b[-1] = b
        else:
            out_n.append(a)
            out_b.append(b)
    return out_n, out_b


def _nfkc_segments(text: str) -> tuple[str, tuple[list[int], list[int]]]:
    """NFKC of ``text`` with a piecewise map from its offsets back to ``text``.

    Only clusters NFKC may change are rewritten (a character whose NFKC form differs, or a
    base character with its combining marks); every character a cluster becomes maps to the
    cluster's start, so a span ending inside it still covers it whole.
    """
    special = {c for c in set(text)
               if unicodedata.combining(c) or unicodedata.normalize("NFKC", c) != c}
    marks = "".join(re.escape(c) for c in sorted(special) if unicodedata.combining(c))
    singles = "".join(re.escape(c) for c in sorted(special) if not unicodedata.combining(c))
    alts = []
    if marks:
        alts.append(f"[^{marks}][{marks}]+|[{marks}]+")
    if singles:
        alts.append(f"[{singles}]")
    rx = re.compile("|".join(alts), re.S)
    pieces: list[str] = []
    ns, os_ = [0], [0]
    npos = last = 0
    for m in rx.finditer(text):
        s, e = m.span()
        if s > last:
            pieces.append(text[last:s])
            npos += s - last
        chunk = unicodedata.normalize("NFKC", m.group(0))
        for k in range(len(chunk)):
            ns.append(npos + k)
            os_.append(s)
        pieces.append(chunk)
        npos += len(chunk)
        ns.append(npos)
        os_.append(e)
        last = e
    pieces.append(text[last:])
    ns, os_ = _dedupe_segments(ns, os_)
    return "".join(pieces), (ns, os_)


def _compose(ns: list[int], bs: list[int], n_len: int,
             nk: tuple[list[int], list[int]]) -> tuple[list[int], list[int]]:
    """Piecewise map normalised -> base composed with base -> original."""
    kb, ko = nk
    out_n: list[int] = []
    out_o: list[int] = []
    for i, (n0, b0) in enumerate(zip(ns, bs)):
        n1 = ns[i + 1] if i + 1 < len(ns) else n_len
        length = max(0, n1 - n0)
        # the base segment containing b0, then every base breakpoint inside [b0, b0 + length)
        j = max(0, bisect_right(kb, b0) - 1)
        out_n.append(n0)
        out_o.append(ko[j] + (b0 - kb[j]))
        j += 1
        while j < len(kb) and kb[j] < b0 + length:
            out_n.append(n0 + (kb[j] - b0))
            out_o.append(ko[j])
            j += 1
    return _dedupe_segments(out_n, out_o)


def _nfkc_straight(text: str) -> str:
    """NFKC, then quotes and dashes straightened; ASCII text is returned as it is."""
    if not text.isascii():
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        text = _straighten(text)
    return text


def normalise_text(text: str, casefold: bool = False) -> str:
    """The text ``normalise`` gives, without the offset map (fast path for keys)."""
    text = _WS.sub(" ", _nfkc_straight(text)).strip()
    return text.lower() if casefold else text


def norm_key(text: str) -> str:
    """A comparison key: normalised, case-folded, punctuation dropped."""
    return " ".join(_WORD.findall(normalise_text(text, casefold=True)))


def norm_keys(texts: list[str]) -> list[str]:
    """``[norm_key(t) for t in texts]`` for texts without line breaks (an article's lines),
    normalised as one string: the same keys at a fraction of the per-line cost."""
    if not texts:
        return []
    parts = _nfkc_straight("\n".join(texts)).lower().split("\n")
    if len(parts) != len(texts):        # a text held a line break after all
        return [norm_key(t) for t in texts]
    return [" ".join(_WORD.findall(p)) for p in parts]


# -- lines ---------------------------------------------------------------------
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def split_lines(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of ``text`` from ``start``, without line breaks."""
    pos = start
    n = len(text)
    while pos < n:
        m = _LINE.match(text, pos)
        if m is None or m.end() == pos:
            break
        line = m.group(0)
        end = m.end() - (len(line) - len(line.rstrip("\r\n")))
        yield pos, end
        pos = m.end()


# -- tokens and sentences --------------------------------------------------------
def tokens(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return _WORD.findall(text.lower())


def token_spans(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _WORD.finditer(text):
        yield m.start(), m.end(), m.group(0)


def shingles(toks: list[str], k: int) -> set[str]:
    """Word k-shingles as strings (the whole text when shorter than k)."""
    if len(toks) < k:
        return {" ".join(toks)} if toks else set()
    return {" ".join(toks[i:i + k]) for i in range(len(toks) - k + 1)}


_SENT_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s+|$)")
_WORD_BEFORE_STOP = re.compile(r"([\w.]+)\.$")


def sentences(text: str, start: int = 0, end: int | None = None, *,
              abbreviations: AbstractSet[str] = frozenset()) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence within text[start:end], trimmed of space.

    A sentence ends at . ! or ? (with closing quotes) followed by space, unless the
    word before the full stop is one of ``abbreviations`` (lower case, without the final
    stop: "mr", "u.s"; the ``text`` pack's ``sentence_abbreviations``, see
    :func:`auditor.rules.RuleSet.setting`) or a single letter.
    """
    end = len(text) if end is None else end
    seg_start = start
    for m in _SENT_END.finditer(text, start, end):
        g = m.group(0)
        if g[0] == "." and len(g.rstrip("\"'\u201d\u2019)]")) == 1 and \
                (word_m := _WORD_BEFORE_STOP.search(text[max(seg_start, m.start() - 20):m.start() + 1])):
            w = word_m.group(1).lower().rstrip(".")
            if w in abbreviations or (len(w) == 1 and w.isalpha()):
                continue
        s, e = _trim(text, seg_start, m.end())
        if e > s:
            yield s, e
        seg_start = m.end()
    s, e = _trim(text, seg_start, end)
    if e > s:
        yield s, e


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e
