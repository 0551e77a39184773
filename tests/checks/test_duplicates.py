from auditor.checks import ArticleContext, load_all
from auditor.engine.stage import process_article

from conftest import make_article


def findings(text, ruleset, rule_prefix=""):
    res = process_article(make_article(text), ruleset)
    return [f for f in res.findings if f.rule.startswith(rule_prefix)]


def test_headline_repeated_with_other_dashes_quotes_and_case(ruleset):
    text = ("Minister\u2019s \u201cbold\u201d plan \u2014 what it means\n\n"
            "MINISTER'S \"BOLD\" PLAN - WHAT IT MEANS\n\n"
            "The minister set out the plan on Monday.\n")
    fs = findings(text, ruleset, "duplicate.headline")
    assert len(fs) == 1
    f = fs[0]
    assert f.line == 3 and f.text == "MINISTER'S \"BOLD\" PLAN - WHAT IT MEANS"
    assert f.related[0]["line"] == 1 and f.related[0]["text"].startswith("Minister\u2019s")


def test_headline_not_repeated_gives_nothing(ruleset):
    text = "Council approves budget\n\nThe council approved the budget for next year.\n"
    assert findings(text, ruleset, "duplicate.") == []


def test_headline_after_navigation_lines(ruleset):
    text = ("Skip to content\n\nPolitics\n\nTalks resume in Geneva\n\nTalks resume in Geneva\n\n"
            "Delegations met again on Friday.\n")
    res = process_article(make_article(text), ruleset)
    assert res.record["title"] == "Talks resume in Geneva"
    fs = [f for f in res.findings if f.rule == "duplicate.headline"]
    assert [f.line for f in fs] == [7]


def test_repeated_lines_exact_and_fuzzy(ruleset):
    para = ("The storm brought down power lines across the county, leaving thousands of homes "
            "without electricity overnight.")
    edited = para.replace("thousands of", "thousands of the")
    text = f"Storm hits county\n\n{para}\n\nOfficials urged caution.\n\n{edited}\n\nJane Doe\n\nJane Doe\n"
    fs = findings(text, ruleset, "duplicate.line")
    assert [(f.line, f.evidence["first_line"]) for f in fs] == [(7, 3), (11, 9)]
    assert fs[0].evidence["similarity"] < 100 and fs[1].evidence["similarity"] == 100


def test_distinct_paragraphs_are_not_repeats(ruleset):
    text = ("Markets fall\n\nShares in London fell 2% on Monday as investors worried about rates.\n\n"
            "Shares in Paris rose 1% on Tuesday as investors cheered the new budget plan.\n")
    assert findings(text, ruleset, "duplicate.line") == []


def test_sensational_headline_names_matches(ruleset):
    text = "SHOCKING: You won't believe what the mayor did!!\n\nThe mayor opened a library.\n"
    fs = findings(text, ruleset, "headline.")
    assert len(fs) == 1
    msg = fs[0].message
    assert "'SHOCKING'" in msg and "you won't believe" in msg.lower() and "exclamation mark" in msg


def test_plain_headline_is_not_sensational(ruleset):
    text = "NATO ministers meet in Brussels to discuss budgets\n\nMinisters met on Tuesday.\n"
    assert findings(text, ruleset, "headline.") == []


def test_disabled_rule_is_not_reported(ruleset):
    import copy
    rs = copy.deepcopy(ruleset)
    rs.disabled_rules.add("headline.sensational")
    text = "BREAKING: shocking news!\n\nBody.\n"
    assert process_article(make_article(text), rs).findings == []


def test_repeated_line_in_a_json_record_names_lines_of_its_text(ruleset, tmp_path):
    import json

    from auditor.ingest import IngestOptions, iter_sources
    p = tmp_path / "feed.jsonl"
    body = "Talks resume\n\nAdvertisement\n\nDelegates met on Friday in Geneva.\n\nAdvertisement\n"
    p.write_text(json.dumps({"id": "a", "title": "Talks resume", "text": body}) + "\n")
    art = next(a for a in iter_sources([str(p)], IngestOptions()))
    fs = [f for f in process_article(art, ruleset).findings if f.rule == "duplicate.line"]
    assert len(fs) == 1 and fs[0].line == 1 and fs[0].text == "Advertisement"
    assert fs[0].message == "Line 7 of the article's text repeats its line 3 (exactly)."
