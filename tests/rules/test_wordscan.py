"""WordScanner: a pattern tried only where one of its first words starts gives exactly the
matches of ``pattern.finditer`` (the KB's names and titles, the date patterns, any pattern)."""
import random

import regex

from auditor.knowledge import dates
from auditor.knowledge.kb import get_kb
from auditor.rules.wordscan import WordScanner, Words, first_words, second_words

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
    cal = dates.calendar(ruleset)
    rnd = random.Random(7)
    words = regex.findall(r"\w+|\W+", TEXT)
    for _ in range(25):
        rnd.shuffle(words)
        text = "".join(words)
        for rx in (kb.title_rx, kb.name_rx, cal.full.rx, cal.yearless.rx, cal.relative.rx):
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


def test_variants_of_an_article_text_share_one_word_set():
    """``article_words``: the straightened and the white-space-normalised variants of a text
    NFKC leaves alone have the same words, found once; offsets stay each variant's own. A text
    NFKC changes ("ﬁght" is "fight" once composed) gets its own words."""
    from auditor.checks.attribution import straight
    from auditor.rules.wordscan import Words, article_words
    from auditor.text import normalise
    raw = "Zelensky\u2019s  \u201cpeace\u201d plan \u2013 said\n\nMr. Zelensky."
    data: dict = {}
    a = article_words(raw, normalise(raw, strip=False).text, data)
    b = article_words(raw, straight(raw), data)
    assert b.words is a.words and b.words == Words(straight(raw)).words
    assert b.keys == Words(straight(raw)).keys and a.keys is b.keys
    assert b.starts("Zelensky") == Words(straight(raw)).starts("Zelensky") != a.starts("Zelensky")
    assert article_words(raw, a.text, data) is a
    odd = "The \ufb01ght goes on"
    data = {}
    n = article_words(odd, normalise(odd, strip=False).text, data)
    s = article_words(odd, straight(odd), data)
    assert "fight" in n.words and "fight" not in s.words and s.words == Words(straight(odd)).words


def test_one_multiscanner_gives_each_patterns_own_matches(ruleset):
    """The attribution cue patterns (sharing first words such as "said", "told", some with a
    required second word) scanned at once give, per pattern, its own finditer's matches, on a
    real text and on shuffles of its words."""
    from auditor.checks.attribution.rules import rules_for
    from auditor.rules.wordscan import MultiScanner
    R = rules_for(ruleset)
    pairs = [(rx, R.scanners[rx]) for _, rx in R.cues if rx in R.scanners]
    assert len(pairs) >= 10
    multi = MultiScanner([ws for _, ws in pairs])
    text = (TEXT + ' "We will not back down," Zelensky told reporters, according to Reuters. '
            "Officials say the talks, which Lavrov said had stalled, resumed; he added that "
            "Blinken has said nothing, citing sources familiar with the matter.")
    rnd = random.Random(11)
    words = regex.findall(r"\w+|\W+", text)
    found = 0
    for k in range(20):
        got = multi.matches(Words(text))
        want = [[m.span() for m in rx.finditer(text)] for rx, _ in pairs]
        assert [[m.span() for m in ms] for ms in got] == want
        found += sum(map(len, want))
        rnd.shuffle(words)
        text = "".join(words)
    assert found >= 20
