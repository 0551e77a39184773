"""Consistency checks: titles against the knowledge base and the article's date, conflicts,
spelling variants and house style. Seeds and small fixtures only (nothing outside the project)."""
import json
from pathlib import Path

import pytest

from auditor.checks.consistency import _Text, find_mentions, find_names
from auditor.knowledge.kb import get_kb
from auditor.engine.pipeline import audit
from auditor.rules import load_ruleset

from conftest import FIXTURES, SEEDS, make_article, run_cli, validate_report

FIX = FIXTURES / "consistency"


def mentions(text: str, ruleset):
    kb = get_kb(ruleset)
    tx = _Text(make_article(text, "a.txt"))
    names = find_names(tx, kb)
    return [(m.person, sorted(m.positions), m.tense, m.pairing) for m in find_mentions(tx, kb, names)]


def cons(result, rule=None, article=None):
    return [f for f in result.findings if f.rule.startswith("consistency")
            and (rule is None or f.rule == rule) and (article is None or f.article.startswith(article))]


@pytest.fixture(scope="module")
def seeds_result(ruleset):
    return audit([str(SEEDS)], ruleset)


# -- seeds -------------------------------------------------------------------------------
def test_seed_prime_minister_zelensky_is_a_title_never_held(seeds_result):
    fs = cons(seeds_result, "consistency.title", "000")
    assert len(fs) == 1
    f = fs[0]
    assert f.text == "Ukrainian Prime Minister Volodymyr Zelensky"
    assert f.message == ("Volodymyr Zelensky: President of Ukraine since 2019-05-20; "
                         "never Prime Minister of Ukraine.")


def test_seed_former_president_trump_in_mid_2025(seeds_result):
    fs = cons(seeds_result, "consistency.title-date", "001")
    assert len(fs) == 1
    f = fs[0]
    assert f.text == "former U.S. President Donald Trump"
    assert "since 2025-01-20" in f.message and "not a former President" in f.message
    # "the former U.S. president" later refers back to him: a related span of the same finding
    assert any(r["text"] == "former U.S. president" for r in f.related)
    rec = next(a for a in seeds_result.articles if a["id"].startswith("001"))
    assert rec["published"]["provenance"] == "inferred"
    assert rec["published"]["window"]["start"] == "2025-07-03"
    texts = {e["text"] for e in rec["published"]["evidence"]}
    assert {"July 3", "May 16", "June 2", "Turkish Foreign Minister Hakan Fidan"} <= texts


def test_seed_correct_titles_not_flagged(seeds_result):
    flagged = " ".join(f.text for f in cons(seeds_result) if f.rule.startswith("consistency.title"))
    for ok in ("Biden", "President-elect", "Blinken", "Belousov", "Fidan", "Putin", "Peskov"):
        assert ok not in flagged
    rec = next(a for a in seeds_result.articles if a["id"].startswith("004"))
    assert rec["published"]["window"] == {"start": "2024-11-05", "end": "2025-01-20"}
    rec = next(a for a in seeds_result.articles if a["id"].startswith("003"))
    assert rec["published"]["window"] == {"start": "2024-05-14", "end": "2025-01-20"}


def test_seed_variants_across_corpus(seeds_result):
    fs = [f for f in cons(seeds_result, "consistency.variant") if f.evidence.get("scope") == "corpus"]
    got = {(f.article[:3], f.text) for f in fs}
    assert ("000", "Kirill") in got           # vs Kyrylo in 001, 002
    assert ("000", "Kiev") in got and ("003", "Kiev") in got   # vs Kyiv in 001, 004
    assert ("003", "GUR") in got              # vs HUR in 000
    assert ("004", "Zelenskyy") in got        # vs Zelensky elsewhere
    assert all(f.severity.value == "info" for f in fs)
    kirill = next(f for f in fs if f.text == "Kirill")
    assert {r["article"][:3] for r in kirill.related} == {"001", "002"}


def test_seed_skibitski_is_a_variant_spelling_when_kb_forms_are_on(seeds_result, tmp_path):
    # off by default: an accepted transliteration written throughout is a style, not an error
    assert not [f for f in cons(seeds_result, "consistency.variant", "003") if "Skibitski" in f.text]
    (tmp_path / "v.yaml").write_text("kind: kb-variants\nversion: 1\nsettings: {kb_form_severity: info}\nentries: []\n")
    r = audit([str(SEEDS / "003_cbedc215c05dbb47.txt")], load_ruleset([str(tmp_path)]))
    fs = [f for f in cons(r, "consistency.variant") if "Skibitski" in f.text]
    assert len(fs) == 1 and fs[0].severity.value == "info" and "Vadym Skibitskyi" in fs[0].message


def test_seed_report_validates(tmp_path):
    p = run_cli("audit", str(SEEDS), "--format", "json", "--output", "")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    validate_report(data)
    assert all("window" in a["published"] for a in data["articles"])


# -- mentions ------------------------------------------------------------------------------
def test_mention_shapes(ruleset):
    got = mentions("Zelensky, Ukraine's president, spoke. Russia's Minister of Defense Andrei Belousov "
                   "came. President-elect Donald Trump and former U.S. President Barack Obama met. "
                   "The appointment of Andrei Belousov as Russia's Minister of Defense was seen.", ruleset)
    assert ("volodymyr-zelensky", ["ua-president"], "current", "after") in got
    assert ("andrey-belousov", ["ru-defence-minister"], "current", "before") in got
    assert ("donald-trump", ["us-president"], "elect", "before") in got
    assert ("barack-obama", ["us-president"], "former", "before") in got
    assert ("andrey-belousov", ["ru-defence-minister"], "current", "as") in got


def test_lists_and_other_people_are_not_paired(ruleset):
    got = mentions("The leaders met Macron, Scholz, the British prime minister, and others. "
                   "Ivanka Trump, the president's daughter, came.", ruleset)
    assert not any(p == "olaf-scholz" for p, *_ in got)
    assert not any(p == "donald-trump" for p, *_ in got)


def test_deputy_title_is_not_the_post_itself(ruleset):
    got = mentions("The deputy head of the Main Directorate of Intelligence (GUR), Vadim Skibitski, said.",
                   ruleset)
    assert got == [("vadym-skibitskyi", ["ua-hur-deputy-chief"], "current", "before")]


# -- dated fixtures --------------------------------------------------------------------------
def test_former_president_while_in_office(ruleset):
    r = audit([str(FIX / "biden-former-2023.md")], ruleset)
    fs = cons(r, "consistency.title-date")
    assert [f.text for f in fs] == ["Former U.S. President Joe Biden"]
    assert "2023-06-14, from front-matter" in fs[0].message
    assert not cons(r, "consistency.title")


def test_elect_after_inauguration(ruleset):
    r = audit([str(FIX / "elect-after-inauguration.md")], ruleset)
    fs = cons(r, "consistency.title-date")
    assert [f.text for f in fs] == ["President-elect Donald Trump"]
    assert "not President-elect" in fs[0].message


def test_correct_titles_at_the_time(ruleset):
    r = audit([str(FIX / "correct-titles.md")], ruleset)
    assert not [f for f in cons(r) if f.rule.startswith("consistency.title")]
    # the fixed phrase "Chicken Kiev" is no variant and no house-style matter
    assert not cons(r, "consistency.style")


def test_blinken_after_his_tenure(ruleset, tmp_path):
    p = tmp_path / "a.md"
    p.write_text("---\npublished: 2025-04-01\n---\nT\n\nSecretary of State Antony Blinken said on Tuesday "
                 "that talks go on.\n")
    fs = cons(audit([str(p)], ruleset), "consistency.title-date")
    assert len(fs) == 1 and "2021-01-26 to 2025-01-20" in fs[0].message
    # a past holder's title for what he did in office is usual, not wrong
    p.write_text("---\npublished: 2018-04-01\n---\nT\n\nPresident Barack Obama signed the deal.\n"
                 "A President Trump was once unthinkable.\n")
    assert not cons(audit([str(p)], ruleset), "consistency.title-date")


def test_title_conflict_in_article(ruleset):
    r = audit([str(FIX / "conflict-in-article.md")], ruleset)
    fs = cons(r, "consistency.title-conflict")
    assert len(fs) == 1
    assert fs[0].text == "former President Donald Trump"
    assert fs[0].related[0]["text"] == "President Donald Trump"
    v = cons(r, "consistency.variant")
    assert any(f.text == "Kiev" and f.severity.value == "warning" for f in v)


def test_title_conflict_across_corpus(ruleset):
    r = audit([str(FIX / "conflict-a.md"), str(FIX / "conflict-b.md")], ruleset)
    fs = cons(r, "consistency.title-conflict")
    assert len(fs) == 1
    assert fs[0].article.endswith("conflict-b.md")          # the KB says this one is wrong
    assert fs[0].related[0]["article"].endswith("conflict-a.md")


def test_past_the_knowledge_base_says_so(ruleset, tmp_path):
    p = tmp_path / "late.md"
    p.write_text("---\npublished: 2027-02-01\n---\nT\n\nFormer President Donald Trump spoke.\n")
    fs = cons(audit([str(p)], ruleset), "consistency.title-date")
    assert len(fs) == 1 and fs[0].severity.value == "info"
    assert "knows this only up to 2026-06-15" in fs[0].message
    # after the scheduled end of the term (2029-01-20) nothing is implied either way
    p.write_text("---\npublished: 2031-02-01\n---\nT\n\nFormer President Donald Trump spoke.\n")
    assert not cons(audit([str(p)], ruleset), "consistency.title-date")


def test_sentence_with_its_own_year_is_not_checked_at_publication(ruleset, tmp_path):
    p = tmp_path / "hist.md"
    p.write_text("---\npublished: 2024-03-01\n---\nT\n\nIn 2019, Secretary of State Mike Pompeo visited Kyiv.\n"
                 "Secretary of State Mike Pompeo also called on Monday.\n")
    fs = cons(audit([str(p)], ruleset), "consistency.title-date")
    assert [f.line for f in fs] == [7]


def test_user_pack_adds_person_variant_and_house_style(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "people.yaml").write_text("""
kind: kb-people
version: 1
entries:
  - id: jane-doe
    name: Jane Doe
    given: [Jane]
    family: [Doe, Dough]
    source: "Example Gazette staff list"
    retrieved: "2024-01-01"
    tenures: [{position: ua-foreign-minister, start: "2030-01-01"}]
""")
    (rules / "variants.yaml").write_text("""
kind: kb-variants
version: 1
entries:
  - {id: springfield, kind: place, forms: [Springfield, Springfeld], source: "house list"}
""")
    (rules / "style.yaml").write_text("""
kind: house-style
version: 1
entries:
  - {id: kyiv, enabled: false}
  - {id: doe, prefer: Doe, instead_of: [Dough]}
""")
    rs = load_ruleset([str(rules)])
    p = tmp_path / "x.md"
    p.write_text("---\npublished: 2024-05-01\n---\nT\n\nUkrainian Foreign Minister Jane Doe visited Springfield and Kiev.\n"
                 "Dough later left Springfeld.\n")
    r = audit([str(p)], rs)
    rules_found = {(f.rule, f.text) for f in cons(r)}
    assert ("consistency.title-date", "Ukrainian Foreign Minister Jane Doe") in rules_found
    assert ("consistency.variant", "Springfeld") in rules_found
    assert ("consistency.variant", "Dough") in rules_found
    assert ("consistency.style", "Dough") in rules_found
    assert not any(r_ == "consistency.style" and t == "Kiev" for r_, t in rules_found)


def test_past_holder_by_old_title_beside_former_is_no_corpus_conflict(ruleset, tmp_path):
    # AllSides, 2017: "President Obama" for what he did in office, "former President Obama" for
    # now. The KB holds his tenure, so neither is wrong and the pair is no conflict.
    (tmp_path / "a.md").write_text("---\npublished: 2017-03-02\n---\nHealth law\n\n"
                                   "The law President Barack Obama signed in 2010 covers 20 million people.\n")
    (tmp_path / "b.md").write_text("---\npublished: 2017-03-03\n---\nSpeech\n\n"
                                   "Former President Barack Obama spoke in Chicago on Thursday.\n")
    r = audit([str(tmp_path)], ruleset)
    assert cons(r, "consistency.title-conflict") == []


# -- titles that were right (or not claims at all): from hand-judged AllSides findings -------------
NOT_WRONG = [
    ("2016-12-02", "Markets rallied after the election of Donald Trump as president of the United States last month."),
    ("2016-12-10", "Trump is expected to name Rex Tillerson as secretary of state, two people familiar with it said."),
    ("2016-10-01", "\"We are going to have President Donald J. Trump in the White House,\" he told the crowd."),
    ("2017-01-12", "President Trump won't be any different from the candidate we saw on the trail."),
    ("2017-01-12", "This is the dynamic we can expect President Trump to uphold."),
    ("2018-03-01", "Seated alongside the Russian president, Trump didn't raise the hacking at all."),
    ("2019-10-01", "The Democrats want Joe Biden, the president's chief rival, to testify."),
    ("2019-10-01", "In 2016, then-Vice President Joe Biden pressured Ukraine to fire its prosecutor."),
    ("2019-10-01", "Leon Panetta, a CIA director under President Obama, said Thursday that the inquiry must go on."),
    ("2017-05-10", "White House spokeswoman Sarah Huckabee Sanders said the president was angry."),
    ("2016-09-12", "Former President Obama adviser David Axelrod rapped Clinton on Monday."),
    ("2017-08-10", "Other senators have freely criticized the president, Rubio has kept his powder dry."),
    ("2012-05-31", "Bush's portrait unveiled: President Barack Obama, former President George W. Bush and guests."),
    ("2017-06-16", "What buzz about President Pence exists has to do with talk that Trump might tire of the job."),
    ("2016-07-26", "We need to get out every vote for electing Hillary Clinton as president of the United States!"),
    ("2013-02-14", "Of Hagel, the president said he would be an independent voice at the Pentagon."),
    ("2016-12-16", "The confirmation of his nominee for Secretary of State Rex Tillerson may be hard."),
    ("2016-02-29", "Signs said \"Thank you Lord Jesus for President Trump\" at the rally."),
    ("2017-06-16", "With each new layer of legal jeopardy, the murmurs of “President Pence” will only grow louder."),
]


@pytest.mark.parametrize("date,sentence", NOT_WRONG)
def test_prospective_historical_and_misread_titles_not_flagged(ruleset, tmp_path, date, sentence):
    p = tmp_path / "a.md"
    p.write_text(f"---\npublished: {date}\n---\nHeadline\n\n{sentence}\n")
    assert not [f.text for f in cons(audit([str(p)], ruleset)) if f.rule.startswith("consistency.title")]


WRONG = [
    ("2016-10-01", "President Donald Trump told the crowd on Tuesday that taxes must fall.", "President Donald Trump"),
    ("2019-10-01", "President Joe Biden said on Tuesday that the inquiry must go on.", "President Joe Biden"),
    ("2019-10-01", "Barack Obama, the president, said on Tuesday that the inquiry must go on.", "Barack Obama, the president"),
    ("2018-03-01", "Seated alongside the Russian president, Joe Biden, Trump said nothing.", "Russian president, Joe Biden"),
    ("2019-03-01", "They met the president, Joe Biden, on Tuesday.", "president, Joe Biden"),
]


@pytest.mark.parametrize("date,sentence,text", WRONG)
def test_the_same_shapes_still_flag_wrong_titles(ruleset, tmp_path, date, sentence, text):
    p = tmp_path / "a.md"
    p.write_text(f"---\npublished: {date}\n---\nHeadline\n\n{sentence}\n")
    assert [f.text for f in cons(audit([str(p)], ruleset)) if f.rule.startswith("consistency.title")] == [text]


def test_name_forms_are_not_variant_spellings(ruleset, tmp_path):
    p = tmp_path / "a.md"
    p.write_text("---\npublished: 2019-10-01\n---\nHeadline\n\nFormer Defense Secretary James Mattis spoke. "
                 "Jim Mattis later said it again. Joseph R. Biden and Joe Biden met. Kirill Budanov and "
                 "Kyrylo Budanov are one man. Anthony Blinken and Erdogan were there.\n")
    fs = cons(audit([str(p)], ruleset), "consistency.variant")
    assert {f.text for f in fs} == {"Kyrylo"}


def test_shared_family_name_and_prospective_as_are_not_titles_never_held(ruleset, tmp_path):
    p = tmp_path / "a.md"
    p.write_text("---\npublished: 2013-02-27\n---\nHeadline\n\nSecretary of State Hillary Clinton left office "
                 "this month. In February 2000, President Clinton used a meeting of governors to lobby.\n\n"
                 "It would be a disaster to have Clinton as president.\n")
    assert not [f for f in cons(audit([str(p)], ruleset)) if f.rule.startswith("consistency.title")]
    p.write_text("---\npublished: 2013-02-27\n---\nHeadline\n\nPresident Hillary Clinton met the governors.\n")
    assert [f.text for f in cons(audit([str(p)], ruleset), "consistency.title")] == ["President Hillary Clinton"]


def test_house_style_leaves_quotations_and_proper_names_alone(ruleset, tmp_path):
    p = tmp_path / "a.md"
    p.write_text("---\npublished: 2019-04-11\n---\nH\n\n“People in Kiev are very happy,” a lobbyist wrote "
                 "to the Kyiv Post. Officials in Kiev disagreed.\n")
    r = audit([str(p)], ruleset)
    assert [(f.rule, f.line) for f in cons(r, "consistency.style")] == [("consistency.style", 6)]
    assert "not 'Kiev'." in cons(r, "consistency.style")[0].message          # counted once, not 2 times
    assert not cons(r, "consistency.variant")                               # "Kyiv Post" is a name


def test_a_future_or_quoted_prediction_is_no_corpus_conflict(ruleset, tmp_path):
    (tmp_path / "a.md").write_text("---\npublished: 2012-10-23\n---\nH\n\nRyan told the crowd: \"in 2 weeks he "
                                   "is going to become former President Barack Obama.\"\n")
    (tmp_path / "b.md").write_text("---\npublished: 2012-10-23\n---\nH\n\nPresident Barack Obama said on "
                                   "Tuesday that the race is close.\n")
    assert not cons(audit([str(tmp_path)], ruleset), "consistency.title-conflict")


# -- the kb-words pack: the words the readers use are data ----------------------------------------
def _words_pack(tmp_path, settings: str):
    d = tmp_path / "words"
    d.mkdir()
    (d / "words.yaml").write_text(f"kind: kb-words\nversion: 1\nsettings:\n{settings}entries: []\n")
    return load_ruleset([str(d)])


def _read(text: str, ruleset):
    kb = get_kb(ruleset)
    tx = _Text(make_article(text, "a.txt"))
    return [(m.person, m.title, sorted(m.mods), sorted(m.roles), m.tense)
            for m in find_mentions(tx, kb, find_names(tx, kb))]


def test_a_modifier_word_a_pack_adds_or_drops_changes_the_reading(ruleset, tmp_path):
    text = ("Caretaker Prime Minister Volodymyr Zelensky spoke. Later, former U.S. President Donald "
            "Trump spoke.\n")
    # by default "Caretaker" is a body the KB does not know: no title of Zelensky's is read
    assert _read(text, ruleset) == [("donald-trump", "former U.S. President", ["former"], ["former"], "former")]
    mine = _words_pack(tmp_path, "  title_modifiers: {caretaker: acting, former: null}\n")
    assert _read(text, mine) == [
        ("volodymyr-zelensky", "Caretaker Prime Minister", ["caretaker"], ["acting"], "current"),
        ("donald-trump", "U.S. President", [], [], "current")]
    # an acting title is not called a title never held; the defaults' other words stay
    assert get_kb(mine).lexicon.role_of["ex"] == "former"
    p = tmp_path / "a.md"
    p.write_text("---\npublished: 2024-05-01\n---\nH\n\n" + text)
    assert not [f for f in cons(audit([str(p)], mine)) if "Zelensky" in f.text]


def test_the_verbs_of_saying_now_come_from_the_pack(ruleset, tmp_path):
    mine = _words_pack(tmp_path, "  said_verbs: [remarked]\n")
    p = tmp_path / "a.md"
    for verb, flagged_by_default in (("said", True), ("remarked", False)):
        p.write_text(f"---\npublished: 2025-06-03\n---\nH\n\nPresident Barack Obama {verb} on Tuesday "
                     "that the race is close.\n")
        got = {name: [f.text for f in cons(audit([str(p)], rs), "consistency.title-date")]
               for name, rs in (("default", ruleset), ("mine", mine))}
        want = ["President Barack Obama"]
        assert got == ({"default": want, "mine": []} if flagged_by_default else {"default": [], "mine": want})


def test_future_and_relative_date_words_come_from_the_pack(ruleset, tmp_path):
    from auditor.knowledge import dates
    mine = _words_pack(tmp_path, "  future_words: [slated for]\n  relative_dates: [the other day]\n")
    text = "The summit slated for June 3, 2025 was called. We met the other day. It was last week."

    def read(rs):
        return [(m.kind, m.text, m.future) for m in dates.scan(text, dates.calendar(rs))]
    assert read(ruleset) == [("full", "June 3, 2025", False), ("relative", "last week", False)]
    assert read(mine) == [("full", "June 3, 2025", True), ("relative", "the other day", False)]


def test_every_role_the_schema_allows_is_one_the_mechanism_reads():
    from auditor.knowledge.lexicon import ROLES
    from auditor.rules import kind_schema
    assert kind_schema("kb-words")["$defs"]["role"]["enum"] == [*ROLES, None]
