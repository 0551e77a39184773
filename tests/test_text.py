import random

import pytest

from auditor.rules import RulePackError, load_ruleset
from auditor.text import norm_key, norm_keys, normalise, sentences, shingles, split_lines, tokens


def test_normalise_quotes_dashes_spaces():
    src = "Ukraine\u2019s  \u201cTop\u201d\tSpy \u2013 Reveals\u2014all"
    n = normalise(src)
    assert n.text == "Ukraine's \"Top\" Spy - Reveals-all"


def test_offsets_map_back_to_original_spans():
    src = "  BREAKING:\u00a0Ceasefire on the\n\n Table \u2013 Ukraine\u2019s top \ufb01ght"
    n = normalise(src)
    for word in ["BREAKING", "Ceasefire on the Table", "Ukraine's", "fight", "- Ukraine"]:
        i = n.text.index(word)
        s, e = n.span_to_original(i, i + len(word))
        # The original span, normalised, gives back the word.
        assert normalise(src[s:e]).text == word, (word, src[s:e])


def test_nfkc_expansion_maps_to_single_original_char():
    src = "a \ufb01ne day"          # the fi ligature becomes two characters
    n = normalise(src)
    assert n.text == "a fine day"
    s, e = n.span_to_original(2, 6)
    assert src[s:e] == "\ufb01ne"


def test_casefold_on_demand():
    assert normalise("Kyiv KIEV", casefold=True).text == "kyiv kiev"
    assert normalise("Kyiv KIEV").text == "Kyiv KIEV"


@pytest.mark.parametrize("seed", range(20))
def test_random_spans_roundtrip(seed):
    rnd = random.Random(seed)
    alphabet = "ab \t\n\u2019\u201c\u201d\u2013\u2014\ufb01\u00e9e\u0301x."
    src = "".join(rnd.choice(alphabet) for _ in range(80))
    n = normalise(src)
    for _ in range(30):
        if not n.text:
            break
        i = rnd.randrange(len(n.text))
        j = rnd.randrange(i, len(n.text)) + 1
        s, e = n.span_to_original(i, j)
        assert 0 <= s <= e <= len(src)
        # the original span contains what normalised to the first character
        assert normalise(src[s:e], strip=False).text.strip() != "" or n.text[i:j].strip() == ""


def test_norm_key_ignores_punctuation_and_case():
    a = "BREAKING: Ceasefire on the Table \u2013 Ukraine\u2019s Top Spy Reveals Shocking Possibility!"
    b = "BREAKING: Ceasefire on the Table - Ukraine's Top Spy Reveals Shocking Possibility!"
    assert norm_key(a) == norm_key(b)
    assert norm_key("Read more") != norm_key("Read less")


def test_norm_keys_of_lines_equal_each_line_keyed_alone():
    lines = ["Ukraine\u2019s \ufb01nal \u201cword\u201d \u2013 ok", "\u0301accent at the start",
             "caf\u00e9 vs cafe\u0301", "\u039f\u0394\u039f\u03a3 \u03a3\u039f\u03a6\u039f\u03a3",
             "", "   ", "plain ASCII, line.", "\u2460 \u00bd \uff21\uff22"]
    assert norm_keys(lines) == [norm_key(t) for t in lines]
    assert norm_keys(lines)[3] == "\u03bf\u03b4\u03bf\u03c2 \u03c3\u03bf\u03c6\u03bf\u03c2"     # final sigma
    assert norm_keys(["a\nb", "c"]) == [norm_key("a\nb"), "c"]   # a line break inside: one by one
    assert norm_keys([]) == []


def test_split_lines_handles_all_breaks():
    text = "one\r\ntwo\rthree\nfour"
    assert [text[s:e] for s, e in split_lines(text)] == ["one", "two", "three", "four"]


def test_sentences_respect_abbreviations(ruleset):
    text = "Mr. Smith met U.S. officials on Jan. 5. They agreed. Then he left!"
    abbrev = ruleset.sentence_abbreviations()       # the text pack's list
    got = [text[s:e] for s, e in sentences(text, abbreviations=abbrev)]
    assert got == ["Mr. Smith met U.S. officials on Jan. 5.", "They agreed.", "Then he left!"]
    # without the list, only single letters hold a sentence together
    bare = [text[s:e] for s, e in sentences(text)]
    assert bare[:2] == ["Mr.", "Smith met U.S."]


def test_a_pack_of_kind_text_changes_where_sentences_end(tmp_path):
    (tmp_path / "text.yaml").write_text("kind: text\nversion: 1\nsettings:\n"
                                        "  sentence_abbreviations: [approx, Gov.]\nentries: []\n")
    rs = load_ruleset([str(tmp_path)])
    assert rs.sentence_abbreviations() == {"approx", "gov"}
    text = "Gov. Lee spoke. Mr. Smith left."
    assert [text[s:e] for s, e in sentences(text, abbreviations=rs.sentence_abbreviations())] \
        == ["Gov. Lee spoke.", "Mr.", "Smith left."]


def test_a_text_pack_with_a_bad_abbreviation_is_refused(tmp_path):
    (tmp_path / "text.yaml").write_text("kind: text\nversion: 1\nsettings:\n"
                                        "  sentence_abbreviations: [\"u. s\"]\nentries: []\n")
    with pytest.raises(RulePackError, match="text.yaml"):
        load_ruleset([str(tmp_path)])


def test_tokens_and_shingles():
    toks = tokens("The U.S. army's new plan, well-known.")
    assert "army's" in toks and "well-known" in toks
    assert shingles(["a", "b", "c", "d"], 3) == {"a b c", "b c d"}
    assert shingles(["a"], 3) == {"a"}


@pytest.mark.parametrize("seed", range(40))
def test_every_normalised_character_maps_to_what_it_came_from(seed):
    """Each normalised character's original span normalises to contain it (strong property)."""
    import unicodedata
    rnd = random.Random(1000 + seed)
    alphabet = "abc  \t\n\r\u00a0\u2019\u201c\u2013\ufb01\u00bde\u0301\u0308X.\u2003"
    src = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 120)))
    for casefold in (False, True):
        n = normalise(src, casefold=casefold)
        for i, ch in enumerate(n.text):
            s, e = n.span_to_original(i, i + 1)
            assert 0 <= s < e <= len(src), (src, i)
            piece = unicodedata.normalize("NFKC", src[s:e])
            piece = piece.translate(str.maketrans("\u2019\u201c\u2013", "'\"-"))
            if ch == " ":
                assert not piece.strip() or any(c.isspace() for c in piece)
            else:
                assert ch in (piece.lower() if casefold else piece), (src, i, ch, src[s:e])


def test_plain_prose_has_few_segments():
    text = "One sentence here. Another one follows, with commas. " * 50
    n = normalise(text)
    assert n.text == text.strip() and len(n._norm_starts) == 1


def test_odd_white_space_is_found_as_by_the_plain_pattern():
    """``_ODD_WS`` is a faster spelling of r"\\s{2,}|[^\\S ]": the same spans on every mix of
    white space (runs starting with a space or another character, at either end, alone)."""
    import itertools
    import re

    from auditor.text import _ODD_WS
    plain = re.compile(r"\s{2,}|[^\S ]")
    pieces = ["a", " ", "\t", "\n", "\u00a0", "\u2003", "\r\n", "\u2028"]
    for n in range(1, 5):
        for combo in itertools.product(pieces, repeat=n):
            s = "".join(combo)
            assert [m.span() for m in _ODD_WS.finditer(s)] == [m.span() for m in plain.finditer(s)], repr(s)
