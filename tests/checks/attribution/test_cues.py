"""Cue-first attribution: every reporting cue is a statement, each with its source, and chains
by nesting. The sentences are in the shape of those real articles hold (issue 20's misses)."""
from __future__ import annotations

import pytest

from auditor.checks.attribution import analyse
from auditor.checks.attribution.rules import expand_lexicon, inflect

from conftest import make_article


def statements(text: str, ruleset, outlet: str | None = None):
    art = make_article(text, "t.json", title="A headline for the test", outlet=outlet)
    _, records, chains = analyse(art, ruleset)
    recs = [r for r in records if not r.get("venue_of") and not r.get("headline")]
    return recs, [[n["name"] for n in c["nodes"]] for c in chains]


def cues(text, ruleset):
    return [(r["cue"]["text"], r["source"]["text"], r["source"]["kind"])
            for r in statements(text, ruleset)[0]]


# -- the verb forms ----------------------------------------------------------------------------
def test_inflect_regular_irregular_and_phrases():
    irr = {"say": {"past": "said"}, "fire back": {"past": "fired back"}}
    assert inflect("say", "past", irr) == ["said"] and inflect("say", "third", irr) == ["says"]
    assert inflect("note", "ing") == ["noting"] and inflect("deny", "third") == ["denies"]
    assert inflect("brag", "past") == ["bragged"] and inflect("tweet", "past") == ["tweeted"]
    assert inflect("point out", "third") == ["points out"]
    assert inflect("fire back", "past", irr) == ["fired back"]
    with pytest.raises(ValueError):
        inflect("say", "pluperfect")


def test_lexicon_reference_expands_and_unknown_group_is_an_error():
    lex = {"groups": {"s": ["say", "add"]}, "irregular": {"say": {"past": "said"}}}
    assert expand_lexicon(r"\b<<s:past>>\b", lex) == r"\b(?:added|said)\b"
    with pytest.raises(ValueError, match="nope"):
        expand_lexicon("<<nope:past>>", lex)


# -- cues ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, cue, source, kind", [
    ("Several staff members said the manager had left early.", "said",
     "Several staff members", "vague"),
    ("Bankruptcy lawyers say some courts are overwhelmed.", "say", "Bankruptcy lawyers", "vague"),
    ("Six in 10 voters say they will vote in November.", "say", "Six in 10 voters", "vague"),
    ("The ad says the governor raised taxes twice.", "says", "The ad", "vague"),
    ("He notes that the bill passed in 2014.", "notes", "He", "pronoun"),
    ("The senator is warning that the deal will collapse.", "warning", "The senator", "person"),
    ("Mike Pence has said the plan is final.", "said", "Mike Pence", "person"),
    ("Mr. Trump last year said he would build a wall.", "said", "Mr. Trump", "person"),
    ("The governor mentioned the budget twice.", "mentioned", "The governor", "person"),
    ("Rich Greenfield, a media analyst at BTIG Research, said the deal was fair.", "said",
     "Rich Greenfield, a media analyst at BTIG Research", "person"),
    ('"It is over," said Greenfield.', "said", "Greenfield", "person"),
    ("The rate fell, according to federal statistics.", "according to", "federal statistics",
     "document"),
    ("A senior official said the talks had stalled.", "said", "A senior official", "anonymous"),
    ("Two sources familiar with the talks said the deal was near.", "said",
     "Two sources familiar with the talks", "anonymous"),
    # speech acts that judge what is said, with a speaker the rules read
    ("The mayor lashed out at the council over the delay.", "lashed out", "The mayor", "person"),
    ('"We will win," Ms. Ortiz joked on Tuesday.', "joked", "Ms. Ortiz", "person"),
    ("Senator Blake defended the plan as fair to farmers.", "defended", "Senator Blake",
     "person"),
    ("The union dismissed the offer as an insult.", "dismissed", "The union", "organization"),
    ("Carter spoke for an hour, touting the new stadium.", "touting", "Carter", "person"),
    ('He faulted the board for what he called "bad ideas" about water.', "called", "he",
     "pronoun"),
    ("The mayor also spoke about the flood defences.", "spoke about", "The mayor", "person"),
    ('The press secretary, who called the report "false", left early.', "called",
     "The press secretary", "person"),
    # subjects read by their shape: plurals not made with -s, "of whom", a relative clause
    # after a preposition's object, a participle after its noun, a verb after "to"
    ("These women say the manager knew about it.", "say", "These women", "vague"),
    ("The stories came from former staff, one of whom said the manager knew.", "said",
     "one of whom", "anonymous"),
    ("Turnout fell among older voters (64% of whom say the system is rigged).", "say",
     "64% of whom", "vague"),
    ("The council met with tenant groups, who warned that rents would rise.", "warned",
     "tenant groups", "vague"),
    ("Complaints came from residents accusing the landlord of neglect.", "accusing",
     "residents", "vague"),
    ("The mayor took to Twitter to announce her resignation.", "to announce", "The mayor",
     "person"),
    ("The delays led many to say the contract should be cancelled.", "to say", "many",
     "vague"),
    ("The minister was trying to argue that the figures were wrong.", "trying to argue",
     "The minister", "person"),
    ("Judge Ortiz in 2019 called the law \"a mess\".", "called", "Judge Ortiz", "person"),
])
def test_reporting_cue_and_its_source(ruleset, text, cue, source, kind):
    got = cues(text, ruleset)
    assert any(c == cue and source in s and k == kind for c, s, k in got), got


def test_the_head_of_a_relative_clause_speaks_in_both_clauses(ruleset):
    got = cues("Ms. Ruiz, who describes herself as a moderate, said the vote was rigged.",
               ruleset)
    assert [(c, s) for c, s, _ in got] == [("describes", "Ms. Ruiz"), ("said", "Ms. Ruiz")]


def test_coordinated_cue_is_its_own_statement_with_the_same_source(ruleset):
    got = cues("Lopez says the mayor agreed to the plan and said she would sign it.", ruleset)
    assert [(c, s) for c, s, _ in got] == [("says", "Lopez"), ("said", "Lopez")]


@pytest.mark.parametrize("text", [
    "Many economists think the rate will rise.",
    "The mayor believes the plan will work.",
    "Officials hope the talks will resume.",
    "The senator urged colleagues to vote for the bill.",
    "The governor asked lawmakers to pass the budget.",
    "The president promised to cut taxes.",
    "The data show that crime fell.",
    "Recent polls suggest the race is tight.",
    "The figures indicate a slowdown.",
    "The mayor did not say whether she would run.",
    "A spokesman declined to comment on the report.",
    "The White House refused to say who attended.",
    # a verb after "to" that no one has said yet, or that hangs on a noun or an adjective
    "The reporters asked the mayor to explain the delay.",
    "It is hard to say what the council will do.",
    "Needless to say, the plan failed.",
    "Banks are loath to accuse their clients of fraud.",
    "The move was an attempt to maintain calm.",
    # a judging verb needs a speaker: not a document, not a phrase no rule reads
    "The report dismissed the earlier estimate.",
    "Cheaper loans hammered the savings banks last year.",
    "She called the police after midnight.",
])
def test_not_cues(ruleset, text):
    assert cues(text, ruleset) == []


# -- chains, article outward ------------------------------------------------------------------
@pytest.mark.parametrize("text, chain", [
    ("Holder told ABC News that the case was closed.", ["ABC News", "Holder"]),
    ("Smith said in an interview with CNN that the deal was dead.", ["CNN", "Smith"]),
    ("Rubio said on NBC's Meet the Press that he would win.", ["NBC's Meet the Press", "Rubio"]),
    ('Sanders said on "Face the Nation" that the race was open.', ["Face the Nation", "Sanders"]),
    ("Trump said in interviews with Howard Stern that he was rich.", ["Howard Stern", "Trump"]),
    ("She told late night host Jimmy Kimmel that she was ready.", ["Jimmy Kimmel", "She"]),
    ('"The bill was watered down," Hale, R-Macon, told WBUR after the veto.', ["WBUR", "Hale"]),
    ('"It cannot last," wrote Ann Ruiz, a historian at Rice University, in a Politico article.',
     ["Politico", "Ann Ruiz"]),
    ("Fineman quotes Manafort saying that the race is easy.", ["Fineman", "Manafort"]),
    ("The Washington Post reported that Smith said the deal was off.",
     ["The Washington Post", "Smith"]),
    ("According to the New York Times, Smith said the deal was off.",
     ["The New York Times", "Smith"]),
    ("Reuters, citing two officials, said the deal was off.", ["Reuters", "two officials"]),
    ("The strike is over, reports the Baltimore Chronicle with reference to Bloomberg.",
     ["Baltimore Chronicle", "Bloomberg"]),
    ("Clinton said Trump told her that he would win.", ["Clinton", "Trump"]),
    # the hop before the speaker's verb, or opening the sentence
    ("Smith, citing two aides, said the deal was off.", ["Smith", "two aides"]),
    ("Citing two aides, Smith said the deal was off.", ["Smith", "two aides"]),
    # a program whose name holds its article; an em dash ends the outlet's name
    ('Trump says on The View: "I want to see the papers."', ["The View", "Trump"]),
    ("As Ann Ruiz of the National Farmers Union told Roll Call\u2014she backs the bill.",
     ["Roll Call", "Ann Ruiz"]),
])
def test_relayed_chain(ruleset, text, chain):
    _, chains = statements(text, ruleset)
    assert chain in chains, chains


@pytest.mark.parametrize("own, text", [
    ("Fox Online News", "Trump told Fox & Friends that he was rich."),    # its network's program
    ("NPR Online News", "Cruz told NPR that he would win."),              # a feed's label
    ("CBN", "Rubio told CBN News that he agreed."),
    ("New York Times - News", "Smith told The New York Times that it was over."),
])
def test_the_articles_own_outlet_under_its_feed_label_is_no_hop(ruleset, own, text):
    _, chains = statements(text, ruleset, outlet=own)
    assert all(len(c) == 1 for c in chains), chains
    _, chains = statements(text, ruleset, outlet="Reuters")
    assert any(len(c) == 2 for c in chains), chains


def test_the_articles_own_outlet_and_a_venue_that_is_no_outlet_are_no_hops(ruleset):
    _, chains = statements("Holder told CNN that the case was closed.", ruleset,
                           outlet="CNN (Web News)")
    assert all(len(c) == 1 for c in chains), chains
    _, chains = statements("Holder told reporters that the case was closed.", ruleset)
    assert all(len(c) == 1 for c in chains), chains


def test_no_chain_without_a_relay(ruleset):
    _, chains = statements("The mayor said the plan would pass. Critics said it would fail, "
                           "and the governor said she would veto it.", ruleset)
    assert all(len(c) == 1 for c in chains), chains


@pytest.mark.parametrize("text", [
    # what a statement answers or praises is its topic, not words it relays
    'The committee responded Monday to the Clinton campaign calling it a "misstatement."',
    # "revealed" reports only with a clause after it
    "Police said the man revealed a handgun during the struggle.",
])
def test_no_chain_from_a_topic_or_a_thing(ruleset, text):
    _, chains = statements(text, ruleset)
    assert all(len(c) == 1 for c in chains), chains


def test_a_call_sign_that_reports_is_an_outlet(ruleset):
    got = cues("A man fled from a traffic stop, KZRT4 reported.", ruleset)
    assert ("reported", "KZRT4", "outlet") in got
