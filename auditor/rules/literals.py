"""What a pattern needs before it can match: its required literals and the characters a match
can start with, read off the pattern's syntax tree. The line checks use them to try a line only
against the patterns that could match it."""
from __future__ import annotations

import re
import warnings
from re import _constants as _sre, _parser as _sre_parse
from typing import Any

from . import compile_pattern

# -- pre-filters for the whole-line patterns ------------------------------------------------
# A line is tried only against the union of the patterns that could match it, by two necessary
# conditions derived from each pattern's syntax tree (Python's own parser, run on a copy where
# each \p{..}/\P{..} stands in as one private character):
#   first character: the characters a match can start with, kept as a one-character regex
#     compiled with the entry's flags, so the ``regex`` engine itself decides case folding;
#   required literal: strings one of which every match contains ("all rights reserved"),
#     looked up with ``in``; for ignorecase entries only ASCII strings, in a lowered line.
# Whatever cannot be proven (``.``, back references, scoped or global inline flags, a
# pattern that can match the empty string, syntax the two parsers might read apart) leaves
# the pattern a candidate for every line: a filter never drops a line a pattern matches.
_ESCAPE = re.compile(r"\\(?:[pP](?:\{[^{}\\]*\}|[A-Za-z])|.)", re.S)
_PLACEHOLDER = 0xF0000                 # plane-15 private use: stands for one \p{..} class
_CATEGORY = {_sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D",
             _sre.CATEGORY_SPACE: r"\s", _sre.CATEGORY_NOT_SPACE: r"\S",
             _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W"}
_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)
# Characters the ``regex`` engine matches case-insensitively to an ASCII letter although
# str.lower() does not map them onto it (tests/checks/test_boilerplate.py enumerates them):
# a line holding one skips the literal pre-filter of ignorecase patterns.
_FOLD_SPECIAL = ("\u0131", "\u0307", "\u017f")      # dotless i, İ lowered (i + dot), long s


class _Unknown(Exception):
    """The syntax tree holds something the pre-filters do not reason about."""


def _parse(pattern: str, flags) -> tuple[Any, dict[int, str]] | None:
    """Python's parse tree of ``pattern`` with \\p{..}/\\P{..}/\\pL as private characters
    (code -> original text), or None when it cannot be trusted to mean what ``regex`` reads."""
    if set(flags) - {"ignorecase"} or any(ord(c) >= _PLACEHOLDER for c in pattern):
        return None
    tokens: dict[int, str] = {}

    def sub(m):
        tok = m.group(0)
        if tok[1] not in "pP":
            return tok
        code = _PLACEHOLDER + len(tokens)
        tokens[code] = tok
        return chr(code)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")        # e.g. "possible nested set": [[:alpha:]]
            tree = _sre_parse.parse(_ESCAPE.sub(sub, pattern), 0)
    except (re.error, Warning, RecursionError, ValueError, TypeError, OverflowError):
        return None
    if tree.state.flags & ~_sre.SRE_FLAG_UNICODE:
        return None                               # inline global flags
    for op, av in _walk(tree):
        if op == _sre.LITERAL and av in (ord("{"), ord("}")):
            return None                           # a quantifier (fuzzy, spaced) read as text
    return tree, tokens


def _walk(seq):
    for op, av in seq:
        yield op, av
        subs = []
        if op == _sre.BRANCH:
            subs = av[1]
        elif op == _sre.SUBPATTERN:
            subs = [av[3]]
        elif op in _REPEATS:
            subs = [av[2]]
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            subs = [av[1]]
        elif op == _sre.ATOMIC_GROUP:
            subs = [av]
        elif op == _sre.GROUPREF_EXISTS:
            subs = [s for s in av[1:] if s is not None]
        for s in subs:
            yield from _walk(s)


def _char(code: int, tokens: dict[int, str]) -> str:
    return tokens.get(code) or f"\\U{code:08x}"


def _first_chars(seq, tokens: dict[int, str]) -> tuple[set[str], bool]:
    """(one-character regex sources, nullable): every non-empty match of the sequence starts
    with a character one of the sources matches; nullable when it can match the empty string
    (then what follows can start the match too)."""
    out: set[str] = set()
    for op, av in seq:
        first, nullable = _first_item(op, av, tokens)
        out |= first
        if not nullable:
            return out, False
    return out, True


def _first_item(op, av, tokens: dict[int, str]) -> tuple[set[str], bool]:
    if op == _sre.LITERAL:
        return {_char(av, tokens)}, False
    if op == _sre.NOT_LITERAL:
        return {f"[^{_char(av, tokens)}]"}, False
    if op == _sre.IN:
        parts, neg = [], ""
        for iop, iav in av:
            if iop == _sre.NEGATE:
                neg = "^"
            elif iop == _sre.LITERAL:
                parts.append(_char(iav, tokens))
            elif iop == _sre.RANGE and iav[0] not in tokens and iav[1] not in tokens:
                parts.append(f"{_char(iav[0], tokens)}-{_char(iav[1], tokens)}")
            elif iop == _sre.CATEGORY and iav in _CATEGORY:
                parts.append(_CATEGORY[iav])
            else:
                raise _Unknown(f"set item {iop}")
        return {f"[{neg}{''.join(parts)}]"}, False
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        return set(), True                          # zero width: the next item starts the match
    if op == _sre.BRANCH:
        out: set[str] = set()
        nullable = False
        for alt in av[1]:
            first, n = _first_chars(alt, tokens)
            out |= first
            nullable = nullable or n
        return out, nullable
    if op == _sre.SUBPATTERN:
        if av[1] or av[2]:
            raise _Unknown("scoped flags")
        return _first_chars(av[3], tokens)
    if op in _REPEATS:
        first, nullable = _first_chars(av[2], tokens)
        return first, nullable or av[0] == 0
    if op == _sre.ATOMIC_GROUP:
        return _first_chars(av, tokens)
    raise _Unknown(f"operator {op}")                # ANY, back references, conditionals, ...


def first_class(pattern: str, flags=("ignorecase",)) -> Any:
    """A one-character regex (compiled with ``flags``) matching every character a match of
    ``pattern`` can start with, or None when that cannot be bounded or the pattern can match
    the empty string."""
    first = _first_sources(pattern, flags)
    return None if first is None else compile_pattern("(?:" + "|".join(first) + ")", list(flags))


def _first_sources(pattern: str, flags) -> list[str] | None:
    parsed = _parse(pattern, flags)
    if parsed is None:
        return None
    try:
        first, nullable = _first_chars(*parsed)
    except (_Unknown, RecursionError):
        return None
    return None if nullable or not first else sorted(first)


def _required(seq, tokens: dict[int, str]) -> set[str] | None:
    """Strings one of which every match of the sequence contains, or None: the best of the
    sequence's runs of literal characters and of its mandatory groups, repeats, branches."""
    best: set[str] | None = None

    def consider(cand):
        nonlocal best
        if cand and all(cand) and (best is None or _strength(cand) > _strength(best)):
            best = cand
    run: list[str] = []
    for op, av in seq:
        if op == _sre.LITERAL and av not in tokens:
            run.append(chr(av))
            continue
        if run:
            consider({"".join(run)})
            run = []
        if op == _sre.SUBPATTERN and not av[1] and not av[2]:
            consider(_required(av[3], tokens))
        elif op == _sre.BRANCH:
            alts = [_required(alt, tokens) for alt in av[1]]
            if all(a is not None for a in alts):
                consider(set().union(*alts))
        elif op in _REPEATS and av[0] >= 1:
            consider(_required(av[2], tokens))
        elif op == _sre.ATOMIC_GROUP:
            consider(_required(av, tokens))
    if run:
        consider({"".join(run)})
    return best


def _strength(lits: set[str]) -> tuple[int, int]:
    return min(map(len, lits)), -len(lits)


def required_literals(pattern: str, flags=("ignorecase",)) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` contains (lowered, ASCII only, for an
    ignorecase pattern), or None when none can be derived."""
    parsed = _parse(pattern, flags)
    if parsed is None:
        return None
    try:
        lits = _required(*parsed)
    except RecursionError:
        return None
    if not lits:
        return None
    if "ignorecase" in flags:
        if not all(s.isascii() for s in lits):
            return None
        lits = {s.lower() for s in lits}
    if min(map(len, lits)) < 3:
        return None                               # too weak to be worth a look-up
    return tuple(sorted(lits))
