"""The attribution check compiles its rule patterns with alternation prefixes factored out:
the factored pattern must find exactly what the pattern as written finds."""
import random

import pytest

from auditor.checks.attribution import factored, rules_for
from auditor.rules import compile_pattern, load_ruleset

WORDS = ["asked", "asks", "Asks", "accused", "said", "says", "saying", "say", "sources", "source",
         "told", "tell", "tells", "with", "with reference to", "in an interview with", "in a",
         "it is reported", "the", "The", "he", "her", "his", "Mr.", "U.S.", "-", ",", "'s",
         "quoted by", "as quoted by", "a", "an", "op-ed", "x", "", "\u00e9lys\u00e9e", "\u00c9tat",
         "K", "\u212a", "kelvin"]

PATTERNS = [
    (r"\b(?:asked|asks|accused|said|says|say|saying)\b(?!-)", []),
    (r"\b(?:asked|asks|accused|said|says|say|saying)\b(?!-)", ["ignorecase"]),
    (r"\b(?:quoted by|cited by|as quoted by|as cited by|as reported by|reported by)\b",
     ["ignorecase"]),
    (r"\bin (?P<source>his|her|their) (?:opinion|view)\b", ["ignorecase"]),
    (r"(?:a(x)|b|a(y))", []),                       # captures: no reordering
    (r"\b(?:source|sources|s\w+|said)\b", []),     # a branch that is not literal
    (r"(?<=,\s|\bwhile\s)(?:saying|adding|stating|stressing)\b", []),
    (r"(?m)^\s*(?:source|sources|via)\s*:", ["ignorecase"]),
    (r"(?:the |this |that )?(?:cited|said|same) (?:source|outlet)", ["ignorecase"]),
    (r"\b(?:ab|a|abc|b|ba)", []),                  # prefixes of one another, order kept
    ("\\b(?:\u00e9lys\u00e9e|elysee|\u00e9tat|kelvin|K|\u212a)\\b", ["ignorecase"]),
    (r"x{1,2}(?:ab|ac)|[ab]+(?:c|d)", []),
]


def _texts(n=400, seed=7):
    rnd = random.Random(seed)
    return [" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(1, 12)))
            + rnd.choice(["", "\n", "."]) for _ in range(n)]


def _found(rx, text):
    return [(m.span(), m.groupdict(), m.groups()) for m in rx.finditer(text)]


@pytest.mark.parametrize("pattern,flags", PATTERNS)
def test_factored_pattern_finds_the_same(pattern, flags):
    slow = compile_pattern(pattern, flags)
    fast = compile_pattern(factored(pattern, flags), flags)
    for text in _texts():
        assert _found(fast, text) == _found(slow, text), text


def test_factoring_happens_and_keeps_order_between_overlapping_branches():
    assert factored(r"\b(?:asked|asks|accused)\b", []) == r"\b(?:a(?:sk(?:ed|s)|ccused))\b"
    # "b" sits between two branches starting with "a": different first letters cannot both
    # match, so "a" branches join; a non-literal branch is never jumped over
    assert factored(r"(?:ab|b|ac)", []) == r"(?:a(?:b|c)|b)"
    assert factored(r"(?:ab|\w|ac)", []) == r"(?:ab|\w|ac)"
    assert factored(r"(?:a(x)|b|a(y))", []) == r"(?:a(x)|b|a(y))"


@pytest.mark.parametrize("pattern", [r"(?i:abc|abd)", r"(\w)\1|ab", r"(?x) ab | ac",
                                     r"\p{L}+|ab", r"(?>ab|ac)", r"a[[b]"])
def test_constructs_not_understood_leave_the_pattern_as_written(pattern):
    assert factored(pattern, []) == pattern


def test_rule_pack_patterns_match_as_written_on_sample_text(ruleset):
    rules_for(ruleset)
    text = ("Officials said on Monday, according to Reuters, citing sources familiar with the "
            "matter. \"We will,\" he told The New York Times in an interview with CNN, adding "
            "that it is reported the Kremlin's spokesman Dmitry Peskov was quoted by TASS.\n"
            "Source: Interfax\nTranslated by Jane Doe")
    for e in ruleset.entries("attribution"):
        flags = e.get("flags", ["ignorecase"])
        slow = compile_pattern(e["pattern"], flags)
        fast = compile_pattern(factored(e["pattern"], flags), flags)
        assert _found(fast, text) == _found(slow, text), e["id"]
        for s in range(0, len(text), 7):
            phrase = text[s:s + 30]
            a, b = slow.search(phrase), fast.search(phrase)
            assert (a and a.span()) == (b and b.span()), (e["id"], phrase)


@pytest.mark.parametrize("pattern,flags", PATTERNS + [
    (r"\b(?:is|are) (?:secretly|covertly) \w+|\b(?:orchestrated|ordered) the attack\b",
     ["ignorecase"]),
    (r"\bin an? (?:\w+ )?interview (?:with|to)|on (?:the )?(?:air|set) of", ["ignorecase"])])
def test_prefilter_never_skips_a_text_the_pattern_matches(pattern, flags):
    from auditor.checks.attribution import TextScan, prefilter
    pf = prefilter(pattern, flags)
    rx = compile_pattern(pattern, flags)
    texts = _texts(600, seed=11) + [w.upper() for w in WORDS] + ["\u212aelvin", "SAID"]
    for text in texts:
        if rx.search(text):
            assert pf is None or pf.may_match(TextScan(text)), (pattern, text)


def test_prefilter_needs_the_literal_words_of_every_branch():
    from auditor.checks.attribution import TextScan, prefilter
    pf = prefilter(r"\b(?:quoted by|as cited by)\b", ["ignorecase"])
    assert sorted(pf.needed) == ["as cited by", "quoted by"] and pf.ignorecase
    assert not pf.may_match(TextScan("He said so.")) and pf.may_match(TextScan("QUOTED BY x"))
    assert prefilter(r"\b(?:a|\w+)", []) is None        # a branch with no literal word


def test_union_matches_exactly_when_one_pattern_does():
    from auditor.checks.attribution import union
    pairs = [(r"^(?:he|she)$", ["ignorecase"]), (r"^(?:I|we)$", []),
             (r"\b(?:unnamed|anonymous)\b", ["ignorecase"])]
    one = union(pairs)
    slow = [compile_pattern(p, f) for p, f in pairs]
    samples = ["He", "SHE", "I", "i", "We", "we", "an Anonymous source", "he said", "x"]
    for text in samples + _texts():
        assert bool(one.search(text)) == any(rx.search(text) for rx in slow), text
    assert union([(r"(a)\1", [])] + pairs) is None          # a back-reference: not combined
    assert union([(r"a", ["multiline"]), (r"b", [])]) is None


@pytest.mark.parametrize("pattern,flags", PATTERNS)
def test_word_scanner_finds_what_the_pattern_finds(pattern, flags):
    """A cue pattern starting with ``\\b`` and a known first word is tried only where that word
    stands (kb.WordScanner): the matches must be the ones a full scan gives."""
    from auditor.checks.attribution import TextScan, scan
    from auditor.rules.wordscan import WordScanner
    R = rules_for(load_ruleset())        # a rule set of its own: a scanner is added to its rules
    rx = compile_pattern(factored(pattern, flags), flags)
    R.scanners[rx] = WordScanner(rx)
    try:
        texts = _texts(600, seed=5) + [w.upper() for w in WORDS] + ["\u212aelvin", "SAID"]
        for text in texts:
            assert _found(rx, text) == [(m.span(), m.groupdict(), m.groups())
                                        for m in scan(R, rx, TextScan(text))], (pattern, text)
    finally:
        del R.scanners[rx]


def test_rule_pack_cues_use_word_scanners(ruleset):
    """The default cues whose matches start at a known word are scanned word by word; the
    look-behind cues start with a \\b for that."""
    R = rules_for(ruleset)
    scanned = {e["id"] for e, rx in R.cues if rx in R.scanners}
    assert {"cue-say", "cue-say-plural", "cue-told", "cue-according-to", "cue-gerund",
            "cue-relative-cited", "cue-interview"} <= scanned
    assert "cue-source-label" not in scanned        # starts at a line start, not at a word
