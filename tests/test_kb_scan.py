"""WordScanner: a pattern tried only where one of its first words starts gives exactly the
matches of ``pattern.finditer`` (the KB's names and titles, the date patterns, any pattern)."""
import random

import regex

from auditor import dates
from auditor.kb import WordScanner, Words, first_words, get_kb, second_words

TEXT = ("Ukraine's President Volodymyr Zelensky met former U.S. President Donald J. Trump and "
        "Russia's Foreign Minister Sergei Lavrov on Tuesday, May 14, 2024; the Russian Federation's "
        "defence minister was absent. The new Prime Minister, Keir Starmer, said on July 3 that "
        "PRESIDENT TRUMP and then-Vice President Pence ... İstanbul; president-elect Trump; "
        "US Secretary of State Antony Blinken, in April 2023 and 2024-01-05, last week.")


def _same(rx, text):
    sc = WordScanner(rx)
    got = [(m.span(), m.groupdict() if rx.groupindex else m.group(0))
           for m in sc.finditer(text, Words(text))]
    want = [(m.span(), m.groupdict() if rx.groupindex else m.group(0)) for m in rx.finditer(text)]
    assert got == want, (rx.pattern[:60], got, want)
    return sc, got


def test_kb_scanners_are_exact_on_text_and_shuffled_words(ruleset):
    kb = get_kb(ruleset)
    assert kb.title_scan.exact and kb.name_scan.exact
    _, titles = _same(kb.title_rx, TEXT)
    _, names = _same(kb.name_rx, TEXT)
    assert len(titles) >= 6 and len(names) >= 6
    rnd = random.Random(7)
    words = regex.findall(r"\w+|\W+", TEXT)
    for _ in range(25):
        rnd.shuffle(words)
        text = "".join(words)
        for rx in (kb.title_rx, kb.name_rx, dates._FULL, dates._YEARLESS, dates._RELATIVE):
            _same(rx, text)


def test_first_and_second_words_read_off_the_pattern():
    ci, cs = first_words(r"(?<![\w-])(?:former\s+|ex-)*(?:(?-i:US)\s+)?(?:prime minister|president)(?![\w-])",
                         regex.I)
    assert ci == {"former", "ex", "prime", "president"} and cs == {"US"}
    nxt = second_words(r"(?<!\w)(?:the kremlin|the united states|president)(?!\w)", regex.I)
    assert nxt[("the", True)] == (frozenset({"kremlin", "united"}), frozenset())
    assert nxt[("president", True)] is None          # the match may end after the first word
    # shapes a scanner cannot read fall back to the whole pattern, still exact
    for pat in (r"\w+ing", r"(?<!\w)[A-Z]\w*", r"(?<!\w)(?:\$\d+|USD)", r"(?<!\w)\p{Lu}{2,}"):
        rx = regex.compile(pat)
        assert not WordScanner(rx).exact
        _same(rx, TEXT)


def test_case_folding_as_the_regex_module_does():
    rx = regex.compile(r"(?<![\w-])(?:istanbul|izmir)(?![\w-])", regex.I)
    sc, got = _same(rx, "From İSTANBUL to Izmir and ıstanbul; Istanbul.")
    assert [s for s, _ in got] == [(5, 13), (17, 22), (37, 45)]
    rx = regex.compile(r"(?<![\w-])(?:strasse)(?![\w-])", regex.I)
    _same(rx, "Die Straße und die STRASSE, strasse.")         # folding moves offsets: still exact
