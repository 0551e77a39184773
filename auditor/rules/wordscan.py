"""Fast scanning of big alternations: a pattern tried only where one of its first words starts.

The knowledge base's big alternations (every name, every title with every jurisdiction) and
the date patterns are slow to try at every offset of a text. Every match of them starts at a
word whose text is one of a few known "first words", read off the pattern itself (its parsed
form: ``first_words``, ``second_words``); ``WordScanner.finditer`` tries the pattern only where
such a word starts, giving exactly the matches of ``pattern.finditer(text)``. ``Words`` is the
index of a text's words the scanners share (``article_words``: once per article).

This is the rules layer's pattern optimiser (beside ``compile_pattern`` and the time-bounded
``search`` in ``auditor.rules``); ``auditor.knowledge`` and the checks use it.
"""
from __future__ import annotations

import re
import time
import unicodedata
from typing import Any

import regex

try:                                        # Python >= 3.11
    from re import _constants as _sre_c, _parser as _sre_parse
except ImportError:                         # pragma: no cover - Python 3.10
    import sre_constants as _sre_c          # type: ignore[no-redef]
    import sre_parse as _sre_parse          # type: ignore[no-redef]

_WORD = regex.compile(r"\w+")
_ASCII_WORD = re.compile(r"\w+", re.ASCII)     # the same words as _WORD in ASCII text
_WORD_CHAR = regex.compile(r"\w")
# The regex module's IGNORECASE also pairs i with İ and I with ı; str.casefold does not.
_TURKIC = str.maketrans({"İ": "i", "ı": "i"})
_MAX_FIRST = 5000


def word_key(w: str) -> str:
    """A key equal for two words the regex module's IGNORECASE can match to each other."""
    return w.translate(_TURKIC).casefold()


class _Unknown(Exception):
    pass


def _is_word(ch: str) -> bool:
    got = _IS_WORD.get(ch)
    if got is None:
        got = _WORD_CHAR.fullmatch(ch) is not None
        if len(_IS_WORD) < 100_000:
            _IS_WORD[ch] = got
    return got


_IS_WORD: dict[str, bool] = {chr(i): _WORD_CHAR.fullmatch(chr(i)) is not None for i in range(0x250)}


def _excludes_word(items) -> bool:
    """``items`` is a one-character lookaround set that contains ``\\w`` (not negated)."""
    if len(items) != 1 or str(items[0][0]) != "IN":
        return False
    av = items[0][1]
    return any(str(op) == "CATEGORY" and str(a) == "CATEGORY_WORD" for op, a in av) and \
        not any(str(op) == "NEGATE" for op, a in av)


def _set_chars(av) -> list[str]:
    out = []
    for op, a in av:
        op = str(op)
        if op == "LITERAL":
            out.append(chr(a))
        elif op == "RANGE" and a[1] - a[0] < 64:
            out.extend(chr(c) for c in range(a[0], a[1] + 1))
        elif op == "CATEGORY" and str(a) == "CATEGORY_SPACE":
            out.append(" ")
        else:
            raise _Unknown
    return out


# A walk state: (words, cur, cur_ci, in_sep, closed). ``words`` holds the words read so far as
# (text, case-insensitive) pairs; ``cur`` the word being read; ``in_sep`` between two words;
# ``closed`` once the wanted number of words is read.
_MAX_REPEAT_UNROLL = 8


def _walk(items, states: set, ci: bool, n: int) -> set:
    """Extend the states over a parsed sequence, reading up to ``n`` words."""
    for op, av in items:
        op = str(op)
        open_ = {s for s in states if not s[4]}
        if not open_:
            return states
        closed = states - open_
        if op == "LITERAL":
            new = {_extend(s, chr(av), ci, n) for s in open_}
        elif op == "IN":
            if any(str(o) == "NEGATE" for o, _ in av):
                raise _Unknown
            new = {_extend(s, ch, ci, n) for s in open_ for ch in _set_chars(av)}
        elif op == "SUBPATTERN":
            _, add, dele, sub = av
            new = _walk(sub, open_, bool((ci or add & _sre_c.SRE_FLAG_IGNORECASE)
                                         and not dele & _sre_c.SRE_FLAG_IGNORECASE), n)
        elif op == "ATOMIC_GROUP":
            new = _walk(av, open_, ci, n)
        elif op == "BRANCH":
            new = set()
            for alt in av[1]:
                new |= _walk(alt, open_, ci, n)
        elif op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, sub = av
            new = set(open_) if lo == 0 else set()
            cur, k = open_, 0
            while True:                     # iterate the body until no new state appears
                k += 1
                if k > _MAX_REPEAT_UNROLL:
                    raise _Unknown
                cur = _walk(sub, cur, ci, n)
                if k >= lo:
                    if cur <= new and k > lo:
                        break
                    new |= cur
                if k >= hi:
                    break
        elif op == "AT":
            new = {_end_word(s, n) for s in open_} if str(av) == "AT_BOUNDARY" else open_
        elif op == "ASSERT_NOT":
            direction, sub = av
            if direction == 1 and _excludes_word(sub):      # (?![\w...]): a word ends here
                new = {_end_word(s, n) for s in open_}
            else:
                new = open_
        elif op == "ASSERT":
            new = open_
        else:
            raise _Unknown
        states = closed | new
        if len(states) > _MAX_FIRST:
            raise _Unknown
    return states


def _end_word(state, n: int):
    words, cur, cur_ci, in_sep, closed = state
    if not cur:
        return state
    words = words + ((cur, cur_ci),)
    return (words, "", False, len(words) < n, len(words) >= n)


def _extend(state, ch: str, ci: bool, n: int):
    words, cur, cur_ci, in_sep, closed = state
    if _is_word(ch):
        return (words, cur + ch, cur_ci or (ci and ch.lower() != ch.upper()), False, False)
    if not cur:
        if not words:
            raise _Unknown                  # a match may start with a non-word character
        return state                        # between two words
    return _end_word(state, n)


def _parse_words(pattern: str, flags: int, n: int) -> set | None:
    try:
        parsed = _sre_parse.parse(pattern, flags & (_sre_c.SRE_FLAG_IGNORECASE | _sre_c.SRE_FLAG_VERBOSE))
    except Exception:
        return None
    items = list(parsed)
    if not items:
        return None
    op, av = str(items[0][0]), items[0][1]
    # (?<!\w), or \b: a match never starts with a non-word character (``_extend`` refuses
    # such a pattern), so there \b too says that no word character comes before
    if not (op == "ASSERT_NOT" and av[0] == -1 and _excludes_word(av[1])) and \
            not (op == "AT" and str(av) == "AT_BOUNDARY"):
        return None
    ci = bool((flags | parsed.state.flags) & _sre_c.SRE_FLAG_IGNORECASE)
    try:
        states = _walk(items[1:], {((), "", False, False, False)}, ci, n)
    except _Unknown:
        return None
    if any(not words for words, *_ in states):
        return None                         # the pattern can end inside its first word
    return states


def first_words(pattern: str, flags: int = 0) -> tuple[frozenset[str], frozenset[str]] | None:
    """The first words of every match of ``pattern`` when each match starts where a word starts
    (the pattern begins with a look-behind excluding ``\\w``, or with ``\\b``) and its first
    word is one of a finite set: (keys of case-insensitive words, case-sensitive words). None
    otherwise."""
    states = _parse_words(pattern, flags, 1)
    if states is None:
        return None
    firsts = {words[0] for words, *_ in states}
    return (frozenset(word_key(w) for w, c in firsts if c), frozenset(w for w, c in firsts if not c))


_ANY = None


def second_words(pattern: str, flags: int = 0) -> dict[tuple[str, bool], tuple[frozenset, frozenset] | None] | None:
    """For each first word (text or key, case-insensitive) of ``pattern``'s matches, the words
    that can come next as (keys, case-sensitive words), or None when anything can (the match
    may end after the first word). None when the pattern is not of that shape."""
    states = _parse_words(pattern, flags, 2)
    if states is None:
        return None
    out: dict[tuple[str, bool], Any] = {}
    for words, cur, cur_ci, in_sep, closed in states:
        w1, c1 = words[0]
        k = (word_key(w1) if c1 else w1, c1)
        if len(words) < 2:
            out[k] = _ANY
            continue
        if k in out and out[k] is _ANY:
            continue
        w2, c2 = words[1]
        keys, exact = out.get(k) or (set(), set())
        (keys if c2 else exact).add(word_key(w2) if c2 else w2)
        out[k] = (keys, exact)
    return {k: (v if v is _ANY else (frozenset(v[0]), frozenset(v[1]))) for k, v in out.items()}


class Words:
    """The words of one text, for :class:`WordScanner` (computed once per text).

    ``same_words``: the ``Words`` of a text known to hold the same words (see
    :func:`article_words`), whose word set is taken instead of finding the words again."""

    def __init__(self, text: str, same_words: "Words | None" = None):
        self.text = text
        if same_words is not None:
            self.words, self.keyf, self._keyf = same_words.words, same_words.keyf, same_words._keyf
        else:
            # for speed, the standard library's engine on ASCII text (where its \w is regex's)
            self.words = set((_ASCII_WORD if text.isascii() else _WORD).findall(text))
            self.keyf = self._keyf = word_key if ("İ" in text or "ı" in text) else str.casefold
        self._same = same_words
        self._keys: set[str] | None = None
        self._folded: str | None = None
        self._starts: dict[tuple[str, bool], list[int]] = {}

    @property
    def keys(self) -> set[str]:
        """The words' case-insensitive keys (:func:`word_key`)."""
        if self._keys is None:
            self._keys = self._same.keys if self._same is not None else set(map(self._keyf, self.words))
        return self._keys

    def starts(self, w: str) -> list[int]:
        """Where the word ``w`` starts as a whole word."""
        return self._find(w, False)

    def key_starts(self, key: str) -> list[int]:
        """Where a word whose key is ``key`` starts as a whole word."""
        return self._find(key, True)

    def _find(self, w: str, folded: bool) -> list[int]:
        got = self._starts.get((w, folded))
        if got is not None:
            return got
        text = self.text
        if folded:
            if self._folded is None:
                self._folded = self._keyf(text)
            hay = self._folded
            if len(hay) != len(text):       # folding moved offsets: look each word up instead
                keyf = self._keyf
                got = sorted({i for x in self.words if keyf(x) == w for i in self._find(x, False)})
                self._starts[(w, folded)] = got
                return got
        else:
            hay = text
        n, last = len(w), len(text)
        got = []
        i = hay.find(w)
        while i >= 0:
            # a whole word: no word character just before it or just after it
            j = i + n
            if not ((i > 0 and _is_word(text[i - 1])) or (j < last and _is_word(text[j]))):
                got.append(i)
            i = hay.find(w, i + 1)
        self._starts[(w, folded)] = got
        return got


def article_words(article_text: str, text: str, data: dict[str, Any]) -> Words:
    """``Words(text)`` for ``text``, the article's text with quotes and dashes straightened or
    white space changed (each check's own variant), sharing one word set per article.

    Those changes never join, split or alter a word, so every such variant of a text NFKC
    leaves alone holds the same words: they are found once, in the first variant asked for,
    and kept in ``data`` (the article's ``ctx.data``). Other texts get their own."""
    first = data.get("words")
    if first is not None and first.text == text:
        return first
    if first is not None and data.get("words_shared"):
        return Words(text, same_words=first)
    got = Words(text)
    if first is None:
        data["words"] = got
        data["words_shared"] = unicodedata.is_normalized("NFKC", article_text)
    return got


_TWO_WORDS = regex.compile(r"\w+\W+(\w+)")


class WordScanner:
    """``finditer`` of one compiled pattern, tried only where one of its first words starts
    (and, when the pattern says which words can follow that one, is followed by one of them)."""

    def __init__(self, rx, follow: bool = True, split: dict[str, Any] | None = None):
        """``split``: for a case-sensitive alternation, the same alternation cut by first word
        (each part keeps the alternatives that start with that word, in their order)."""
        self.rx = rx
        self.split = split if split and not rx.flags & regex.I else None
        plain = not rx.flags & ~(regex.I | regex.M | regex.S | regex.U | regex.X | regex.V0)
        fw = first_words(rx.pattern, rx.flags) if plain else None
        self.exact = fw is not None
        self.ci_keys, self.cs_words = fw if fw is not None else (frozenset(), frozenset())
        nxt = second_words(rx.pattern, rx.flags) if (plain and fw is not None and follow) else None
        self.next = {k: v for k, v in (nxt or {}).items() if v is not None}

    def _followed(self, words: Words, starts: list[int], nxt) -> list[int]:
        keys, exact = nxt
        text, keyf, out = words.text, words.keyf, []
        for s in starts:
            m = _TWO_WORDS.match(text, s)
            if m is not None:
                w2 = m.group(1)
                if w2 in exact or keyf(w2) in keys:
                    out.append(s)
        return out

    def candidates(self, words: Words) -> list[int] | None:
        """Sorted offsets where a match may start; None: anywhere."""
        if not self.exact:
            return None
        lists = []
        nexts = self.next
        for w in self.cs_words & words.words:
            ss = words.starts(w)
            nxt = nexts.get((w, False))
            lists.append(ss if nxt is None or not ss else self._followed(words, ss, nxt))
        if self.ci_keys:
            for k in self.ci_keys & words.keys:
                ss = words.key_starts(k)
                nxt = nexts.get((k, True))
                lists.append(ss if nxt is None or not ss else self._followed(words, ss, nxt))
        if not lists:
            return []
        if len(lists) == 1:
            return lists[0]
        return sorted({i for ls in lists for i in ls})

    def possible(self, words: Words) -> bool:
        """False when the text surely has no match."""
        if not self.exact:
            return True
        if self.cs_words & words.words:
            return True
        return bool(self.ci_keys) and not self.ci_keys.isdisjoint(words.keys)

    def finditer(self, text: str, words: Words | None = None, timeout: float | None = None):
        words = words if words is not None and words.text == text else Words(text)
        starts = self.candidates(words)
        if starts is None:
            yield from self.rx.finditer(text, timeout=timeout)
            return
        yield from self.matches_at(text, starts, timeout)

    def matches_at(self, text: str, starts: list[int], timeout: float | None = None):
        """The pattern's matches tried at ``starts`` (sorted), as ``finditer`` gives them when
        those are its candidates: no match starts inside the previous one."""
        rx, pos, split = self.rx, 0, self.split
        deadline = None if timeout is None else time.monotonic() + timeout
        for s in starts:
            if s < pos:
                continue
            if split is not None:
                rx = split.get(_WORD.match(text, s).group(), self.rx)
            m = rx.match(text, s, timeout=None if deadline is None else max(1e-3, deadline - time.monotonic()))
            if m is not None:
                yield m
                pos = m.end() if m.end() > s else s + 1


class MultiScanner:
    """Many :class:`WordScanner` over one text at once: the text's words are looked up once in
    one index of every pattern's first words (instead of once per pattern), and the word
    after a start is read once for every pattern that asks for it. ``matches`` gives, per
    scanner, exactly the matches of its own ``finditer``."""

    def __init__(self, scanners: list[WordScanner]):
        if not all(ws.exact for ws in scanners):
            raise ValueError("MultiScanner needs scanners that know their first words")
        self.scanners = list(scanners)
        self._cs: dict[str, list] = {}
        self._ci: dict[str, list] = {}
        for i, ws in enumerate(self.scanners):
            for w in ws.cs_words:
                self._cs.setdefault(w, []).append((i, ws.next.get((w, False))))
            for k in ws.ci_keys:
                self._ci.setdefault(k, []).append((i, ws.next.get((k, True))))
        self._cs_words = frozenset(self._cs)
        self._ci_keys = frozenset(self._ci)

    def matches(self, words: Words, timeout: float | None = None) -> list[list]:
        """Per scanner (in order), the list of its matches in ``words.text``; ``timeout``
        bounds each scanner's matching, as in ``WordScanner.finditer``."""
        text = words.text
        per: list[list] = [[] for _ in self.scanners]
        second: dict[int, str | None] = {}

        def followed(starts: list[int], nxt) -> list[int]:
            keys, exact = nxt
            keyf, out = words.keyf, []
            for s in starts:
                w2 = second.get(s, "")
                if w2 == "":
                    m = _TWO_WORDS.match(text, s)
                    w2 = second[s] = m.group(1) if m is not None else None
                if w2 is not None and (w2 in exact or keyf(w2) in keys):
                    out.append(s)
            return out

        for index, found, starts_of in ((self._cs, self._cs_words & words.words, words.starts),
                                        (self._ci, self._ci_keys & words.keys if self._ci else (),
                                         words.key_starts)):
            for w in found:
                ss = starts_of(w)
                if not ss:
                    continue
                for i, nxt in index[w]:
                    per[i].append(ss if nxt is None else followed(ss, nxt))
        out = []
        for ws, lists in zip(self.scanners, per):
            lists = [ls for ls in lists if ls]
            if not lists:
                out.append([])
                continue
            starts = lists[0] if len(lists) == 1 else sorted({i for ls in lists for i in ls})
            out.append(list(ws.matches_at(text, starts, timeout)))
        return out
