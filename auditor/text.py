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
from typing import Iterator

# Characters replaced one for one (length preserving).
_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
}
_DASHES = {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
_TRANSLATE = str.maketrans({**_QUOTES, **_DASHES})
_SPECIAL = re.compile("[" + "".join(sorted({**_QUOTES, **_DASHES})) + "]")
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
        last_end = self._map(min(end, n) - 1) + 1
        if end < n:
            e = self._map(end)
        else:
            e = len(self.original.rstrip()) if self.original.rstrip() else len(self.original)
        return s, max(e, last_end)


def normalise(text: str, casefold: bool = False, strip: bool = True) -> Normalized:
    """Normalise ``text`` (see module doc); ``strip`` trims leading/trailing space."""
    norm_starts: list[int] = []
    orig_starts: list[int] = []
    pieces: list[str] = []
    npos = 0

    # Fast path for the common case: NFKC changes nothing, so translate is 1:1.
    if text.isascii():
        base, seg_map = text, None
    elif unicodedata.is_normalized("NFKC", text):
        base = text.translate(_TRANSLATE) if _SPECIAL.search(text) else text
        seg_map = None
    else:
        base, seg_map = _nfkc_with_map(text.translate(_TRANSLATE))
        base = base.translate(_TRANSLATE)

    def orig_of(i: int) -> int:
        return i if seg_map is None else seg_map[i]

    last = 0
    for m in _WS.finditer(base):
        s, e = m.span()
        if s > last:
            _emit_run(base, last, s, orig_of, seg_map, pieces, norm_starts, orig_starts, npos)
            npos += s - last
        at_edge = strip and (s == 0 or e == len(base))
        if not at_edge:
            norm_starts.append(npos)
            orig_starts.append(orig_of(s))
            pieces.append(" ")
            npos += 1
        last = e
    if last < len(base):
        _emit_run(base, last, len(base), orig_of, seg_map, pieces, norm_starts, orig_starts, npos)
    out = "".join(pieces)
    if casefold:
        folded = out.lower()
        # lower() keeps length for nearly all text; fall back to per-char when not.
        if len(folded) == len(out):
            out = folded
        else:
            out = "".join(c.lower() if len(c.lower()) == 1 else c for c in out)
    return Normalized(out, text, tuple(norm_starts), tuple(orig_starts))


def _emit_run(base, s, e, orig_of, seg_map, pieces, norm_starts, orig_starts, npos):
    pieces.append(base[s:e])
    if seg_map is None:
        norm_starts.append(npos)
        orig_starts.append(s)
        return
    # After NFKC the map may jump; start a segment wherever it does.
    prev = None
    for k in range(s, e):
        o = seg_map[k]
        if prev is None or o != prev + 1:
            norm_starts.append(npos + (k - s))
            orig_starts.append(o)
        prev = o


def _nfkc_with_map(text: str) -> tuple[str, list[int]]:
    """NFKC per character with, for each output char, the original offset."""
    out: list[str] = []
    omap: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        # Keep a base character with its combining marks together so NFKC composes.
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        chunk = unicodedata.normalize("NFKC", text[i:j])
        out.append(chunk)
        omap.extend([i] * len(chunk))
        i = j
    return "".join(out), omap


def normalise_text(text: str, casefold: bool = False) -> str:
    """The text ``normalise`` gives, without the offset map (fast path for keys)."""
    if not text.isascii():
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        if _SPECIAL.search(text):
            text = text.translate(_TRANSLATE)
    text = _WS.sub(" ", text).strip()
    return text.lower() if casefold else text


def norm_key(text: str) -> str:
    """A comparison key: normalised, case-folded, punctuation dropped."""
    return " ".join(_WORD.findall(normalise_text(text, casefold=True)))


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


_ABBREV = {"mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt",
           "prof", "jr", "sr", "inc", "corp", "co", "ltd", "vs", "u.s", "u.k", "u.n", "e.g",
           "i.e", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "a.m",
           "p.m", "mt", "ft", "fig", "approx", "dept", "est"}
_SENT_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s+|$)")


def sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence within text[start:end], trimmed of space.

    A sentence ends at . ! or ? (with closing quotes) followed by space, unless the
    word before the full stop is a known abbreviation or a single capital letter.
    """
    end = len(text) if end is None else end
    seg_start = start
    for m in _SENT_END.finditer(text, start, end):
        word_m = re.search(r"([\w.]+)\.$", text[max(seg_start, m.start() - 20):m.start() + 1])
        if m.group(0).startswith(".") and len(m.group(0).rstrip("\"'\u201d\u2019)]")) == 1 and word_m:
            w = word_m.group(1).lower().rstrip(".")
            if w in _ABBREV or (len(w) == 1 and w.isalpha()):
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
