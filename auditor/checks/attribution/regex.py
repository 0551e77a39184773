"""A faster compiled form of a rule pattern, and one text scanned by many patterns.

Used by the attribution rules; the patterns come from rule packs, so nothing here knows a word.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from time import perf_counter
from typing import Any, Iterable

from ...rules.wordscan import MultiScanner, Words, WordScanner, article_words
from ...rules import REGEX_TIMEOUT, RegexTimeout, compile_pattern, finditer, search



# -- faster compiled form of a pattern ----------------------------------------------------------
# The regex engine tries the branches of an alternation one by one at every position, so
# "\b(?:asked|asks|accused|...)" with a hundred words costs a hundred comparisons per word.
# The same pattern with common prefixes factored out ("a(?:sk(?:ed|s)|ccused)|...") matches
# exactly the same text with the same groups and is several times faster to scan. Only
# rewrites that cannot change a match are made: branches are grouped by a first literal
# character (different literal characters can never match at the same place, so the order
# between such groups does not matter); any other shared first element (\b, a class) is
# factored only between neighbouring branches; a pattern with a construct not understood here
# is compiled as written.
class _Unsupported(Exception):
    pass


@dataclass
class _Item:
    kind: str               # lit (a literal character), atom (one-way zero/one-character
    text: str               # element: \b, \w, a class, ., ^, $) or other (anything else)
    key: str = ""
    capture: bool = False   # holds a capturing group
    header: str = ""        # group: "(?:", "(?P<name>", "("; "" for a verbatim item
    alts: list | None = None
    quant: str = ""

    def emit(self) -> str:
        if self.alts is None:
            return self.text
        return self.header + _factor(self.alts) + ")" + self.quant


_GLOBAL_FLAGS = re.compile(r"\(\?([a-zA-Z]+)\)")
_QUANT = re.compile(r"(?:[?*+]|\{\d*(?:,\d*)?\})[?+]?")


def _class_end(p: str, i: int) -> int:
    j = i + 1
    if j < len(p) and p[j] == "^":
        j += 1
    if j < len(p) and p[j] == "]":
        j += 1
    while j < len(p):
        c = p[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            if p.startswith("[:", j):
                k = p.find(":]", j + 2)
                if k < 0:
                    raise _Unsupported
                j = k + 2
                continue
            raise _Unsupported      # a nested set: V1 syntax
        if c == "]":
            return j + 1
        j += 1
    raise _Unsupported


def _parse(p: str, i: int, ic: bool) -> tuple[list[list[_Item]], int]:
    """The branches of the alternation starting at ``p[i]``, up to ``)`` or the end."""
    branches: list[list[_Item]] = [[]]
    n = len(p)
    while i < n:
        c = p[i]
        if c == ")":
            break
        if c == "|":
            branches.append([])
            i += 1
            continue
        if c == "(":
            if p.startswith("(?:", i):
                header, verbatim, cap = "(?:", False, False
            elif p.startswith(("(?=", "(?!"), i):
                header, verbatim, cap = p[i:i + 3], True, False
            elif p.startswith(("(?<=", "(?<!"), i):
                header, verbatim, cap = p[i:i + 4], True, False
            elif p.startswith(("(?P<", "(?<"), i):
                k = p.find(">", i)
                if k < 0 or not re.fullmatch(r"\w+", p[p.index("<", i) + 1:k]):
                    raise _Unsupported
                header, verbatim, cap = p[i:k + 1], False, True
            elif p.startswith("(?", i):
                raise _Unsupported      # flags, atomic groups, conditionals, comments, ...
            else:
                header, verbatim, cap = "(", False, True
            alts, j = _parse(p, i + len(header), ic)
            if j >= n or p[j] != ")":
                raise _Unsupported
            j += 1
            cap = cap or any(it.capture for b in alts for it in b)
            item = _Item("other", p[i:j], capture=cap, header="" if verbatim else header,
                         alts=None if verbatim else alts)
        elif c == "[":
            j = _class_end(p, i)
            item = _Item("atom", p[i:j])
        elif c == "\\":
            if i + 1 >= n:
                raise _Unsupported
            d = p[i + 1]
            if d.isascii() and d.isalnum():
                if d not in "bBwWsSdD":
                    raise _Unsupported  # \p{..}, \x.., back-references, \A, ...
                item = _Item("atom", p[i:i + 2])
            else:
                item = _Item("lit", p[i:i + 2], d)
            j = i + 2
        elif c in ".^$":
            item = _Item("atom", c)
            j = i + 1
        elif c in "*+?{":
            raise _Unsupported
        else:
            item = _Item("lit", c, c)
            j = i + 1
        if item.kind == "lit" and ic:
            if item.key.isascii():
                item.key = item.key.lower()
            else:
                item.kind = "atom"      # case variants outside ASCII: no reordering
        q = _QUANT.match(p, j)
        if q:
            if item.alts is not None:
                item.quant = q.group(0)
            item.text += q.group(0)
            item.kind = "other"
            j = q.end()
        branches[-1].append(item)
        i = j
    return branches, i


def _factor(branches: list[list[_Item]]) -> str:
    reorder = not any(it.capture for b in branches for it in b)
    groups: list[list] = []         # [key or None, first item, rests]
    for b in branches:
        if b and b[0].kind in ("lit", "atom"):
            key = (b[0].kind, b[0].key if b[0].kind == "lit" else b[0].text)
            target = None
            for g in reversed(groups):
                if g[0] == key:
                    target = g
                    break
                # only past groups that start with another literal character
                if not (reorder and key[0] == "lit" and g[0] is not None and g[0][0] == "lit"):
                    break
            if target is not None:
                target[2].append(b[1:])
            else:
                groups.append([key, b[0], [b[1:]]])
        else:
            groups.append([None, None, [b]])
    parts = []
    for key, first, rests in groups:
        if key is None:
            parts.append("".join(it.emit() for it in rests[0]))
        elif len(rests) == 1:
            parts.append(first.emit() + "".join(it.emit() for it in rests[0]))
        else:
            sub = _factor(rests)
            one = len(rests) == 1 or not _has_top_bar(sub)
            parts.append(first.emit() + (sub if one else "(?:" + sub + ")"))
    return "|".join(parts)


def _has_top_bar(p: str) -> bool:
    """Whether ``p`` (as emitted by _factor) is an alternation at its top level."""
    depth, i = 0, 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(p, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
        i += 1
    return False


def factored(pattern: str, flags: Iterable[str]) -> str:
    """``pattern`` with the prefixes of its alternations factored out (see above), or
    ``pattern`` itself when it holds anything this does not understand."""
    p = _parsed(pattern, flags)
    if p is None:
        return pattern
    try:
        return p[1] + _factor(p[0])
    except RecursionError:
        return pattern


def _parsed(pattern: str, flags: Iterable[str]) -> tuple[list[list[_Item]], str, bool] | None:
    """(branches, leading global flags, ignorecase) of a pattern, or None if not understood."""
    flags = list(flags)
    if "verbose" in flags:
        return None
    ic = "ignorecase" in flags
    head = ""
    m = _GLOBAL_FLAGS.match(pattern)
    if m:
        if set(m.group(1)) - set("ims"):
            return None
        ic = ic or "i" in m.group(1)
        head = m.group(0)
    try:
        branches, end = _parse(pattern, len(head), ic)
    except (_Unsupported, RecursionError):
        return None
    return (branches, head, ic) if end == len(pattern) else None


def _needed(branches: list[list[_Item]]) -> set[str] | None:
    """Strings of which every match holds one (lower-cased when case is ignored), or None."""
    out: set[str] = set()
    for b in branches:
        best: set[str] | None = None
        cands: list[set[str]] = []
        run = ""
        for it in b + [_Item("atom", "")]:
            if it.kind == "lit":
                run += it.key
                continue
            if run:
                cands.append({run})
                run = ""
            if it.alts is not None and not it.quant:
                sub = _needed(it.alts)
                if sub:
                    cands.append(sub)
        for c in cands:
            if best is None or (min(map(len, c)), -len(c)) > (min(map(len, best)), -len(best)):
                best = c
        if not best:
            return None
        out |= best
    return out


@dataclass
class _Prefilter:
    """A pattern can only match a text holding one of ``needed`` (in ``text.casefold()`` when
    case is ignored): scanning a text without any is skipped."""
    needed: tuple[str, ...]
    ignorecase: bool
    checked: int = 0
    skipped: int = 0
    off: bool = False           # switched off: it costs more than the scans it saves
    cost: float = 0.0           # seconds spent looking, seconds scanning, scans
    scan_time: float = 0.0
    scans: int = 0

    def may_match(self, ts: "TextScan") -> bool:
        if self.off:
            return True
        self.checked += 1
        text = ts.folded() if self.ignorecase else ts.text
        for s in self.needed:
            if s in text:
                return True
        self.skipped += 1
        return False


def prefilter(pattern: str, flags: Iterable[str]) -> _Prefilter | None:
    p = _parsed(pattern, flags)
    if p is None:
        return None
    needed = _needed(p[0])
    if not needed or min(map(len, needed)) < 3 or len(needed) > 40:
        return None             # too short or too many to be worth a look
    return _Prefilter(tuple(sorted(needed, key=lambda s: (-len(s), s))), p[2])


def compile_fast(pattern: str, flags: Iterable[str]) -> Any:
    """The pattern compiled in its factored form; as written if the two differ in groups."""
    rx = compile_pattern(pattern, flags)
    alt = factored(pattern, flags)
    if alt == pattern:
        return rx
    try:
        fx = compile_pattern(alt, flags)
    except Exception:           # noqa: BLE001 - keep the pattern as written
        return rx
    if fx.groups != rx.groups or fx.groupindex != rx.groupindex:
        return rx
    return fx


def union(pairs: list[tuple[str, list[str]]]) -> Any:
    """One pattern that matches somewhere exactly when one of ``pairs`` (pattern, flags) does,
    each keeping its own case rule; None when that cannot be built safely."""
    parts = []
    for pattern, flags in pairs:
        flags = list(flags)
        if set(flags) - {"ignorecase"} or _GLOBAL_FLAGS.match(pattern) or \
                re.search(r"\\[1-9]|\(\?P=|\(\?\(", pattern):
            return None
        parts.append(f"(?{'i' if 'ignorecase' in flags else '-i'}:{factored(pattern, flags)})")
    if len(parts) < 2:
        return None
    try:
        return compile_pattern("|".join(parts), [])
    except Exception:           # noqa: BLE001 - search them one by one
        return None


def _any(one: Any, each: list, text: str) -> bool:
    if one is not None:
        return search(one, text) is not None
    return any(search(rx, text) for rx in each)
_SCANNED = {"cue", "vague", "translation", "unsourced"}     # entry types run over whole texts


class TextScan:
    """One text to scan with many patterns, and what they share: its casefold (for the
    prefilters) and its words (for the word scanners), each computed once, when first needed."""
    __slots__ = ("text", "_folded", "_words", "_share")

    def __init__(self, text: str, share: tuple[str, dict] | None = None):
        """``share``: (the article's text, its ``ctx.data``) when ``text`` is the article's text
        straightened: the word set is then the one the article's other checks use
        (``kb.article_words``)."""
        self.text = text
        self._folded: str | None = None
        self._words: Words | None = None
        self._share = share

    def folded(self) -> str:
        if self._folded is None:
            self._folded = self.text.casefold()
        return self._folded

    def words(self) -> Words:
        if self._words is None:
            self._words = Words(self.text) if self._share is None else \
                article_words(self._share[0], self.text, self._share[1])
        return self._words


def scan(R: Any, rx: Any, ts: TextScan) -> list:
    """``finditer(rx, ts.text)``. A pattern whose matches start with one of a known set of words
    is tried only where those words stand (``kb.WordScanner``); another one is skipped when the
    text lacks every string a match needs (``_Prefilter``)."""
    text = ts.text
    ws = R.scanners.get(rx)
    if ws is not None:
        try:
            return list(ws.finditer(text, ts.words(), timeout=REGEX_TIMEOUT))
        except TimeoutError:
            raise RegexTimeout(f"pattern {rx.pattern!r} took over {REGEX_TIMEOUT}s and was "
                               f"stopped") from None
    pf = R.prefilters.get(rx)
    if pf is None or pf.off:
        return finditer(rx, text)
    t0 = perf_counter()
    ok = pf.may_match(ts)
    t1 = perf_counter()
    pf.cost += t1 - t0
    if not ok:
        return []
    found = finditer(rx, text)
    pf.scan_time += perf_counter() - t1
    pf.scans += 1
    if pf.checked % 256 == 0 and pf.skipped * pf.scan_time < pf.cost * pf.scans:
        pf.off = True           # the scans it saved took less time than the looking
    return found


class ScanAll:
    """``[(entry, scan(R, rx, ts)) for entry, rx in pairs]`` with every pattern that has a word
    scanner run through one :class:`MultiScanner` (one look-up of the text's words for all)."""

    def __init__(self, pairs: list[tuple[dict, Any]], scanners: dict[Any, WordScanner]):
        self.pairs = pairs
        self.joint = [i for i, (_, rx) in enumerate(pairs) if rx in scanners]
        self.multi = MultiScanner([scanners[pairs[i][1]] for i in self.joint]) \
            if len(self.joint) > 1 else None

    def __call__(self, R: Any, ts: TextScan) -> list[tuple[dict, list]]:
        got: dict[int, list] = {}
        if self.multi is not None:
            try:
                got = dict(zip(self.joint, self.multi.matches(ts.words(), timeout=REGEX_TIMEOUT)))
            except TimeoutError:
                raise RegexTimeout(f"a cue pattern took over {REGEX_TIMEOUT}s and was "
                                   f"stopped") from None
        return [(ent, got[i] if i in got else scan(R, rx, ts))
                for i, (ent, rx) in enumerate(self.pairs)]


def _full(pattern: str, flags) -> Any:
    return compile_fast(rf"^(?:{pattern})$", flags)

