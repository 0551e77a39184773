"""Attribution statements, chains and findings: the seeds, small texts nobody published,
and the hand-annotated excerpts of real articles (quality floor)."""
import importlib.util
import json

import jsonschema
import pytest

from auditor.engine.stage import process_article
from auditor.rules import load_ruleset

from conftest import FIXTURES, REPORT_SCHEMA, ROOT, SEEDS, make_article


def run(text, ruleset, name="t.txt"):
    return process_article(make_article(text, name), ruleset)


def seed(prefix, ruleset):
    path = next(SEEDS.glob(prefix + "_*.txt"))
    return run(path.read_text(encoding="utf-8"), ruleset, path.name)


def paths(res):
    return [[n["name"] for n in c["nodes"]] for c in res.record["chains"]]


def chain_of(res, first, last_kind=None):
    for c in res.record["chains"]:
        if c["nodes"][0]["name"] == first and (last_kind is None or
                                               c["terminal_kind"] == last_kind):
            return c
    raise AssertionError(f"no chain from {first}: {paths(res)}")


def attr(res, aid):
    return next(a for a in res.record["attributions"] if a["id"] == aid)


def rules(res, prefix="attribution."):
    return [f.rule for f in res.findings if f.rule.startswith(prefix)]


# -- the seeds -------------------------------------------------------------------------
def test_seed_001_baltimore_chronicle_with_reference_to_bloomberg(ruleset):
    res = seed("001", ruleset)
    c = chain_of(res, "Baltimore Chronicle")
    assert [n["name"] for n in c["nodes"]] == ["Baltimore Chronicle", "Bloomberg",
                                               "Kyrylo Budanov"]
    assert [n["kind"] for n in c["nodes"]] == ["outlet", "outlet", "person"]
    assert c["depth"] == 3 and c["terminal_kind"] == "person"
    # Baltimore Chronicle is not in the registry: it is recognised from its shape
    sh = [f for f in res.findings if f.rule == "attribution.second-hand"]
    assert len(sh) == 1 and "Baltimore Chronicle" in sh[0].message and "Bloomberg" in sh[0].message
    text = (SEEDS / next(p.name for p in SEEDS.glob("001_*"))).read_text(encoding="utf-8")
    assert text[sh[0].start:sh[0].end] == "Baltimore Chronicle"
    # "he said" is Budanov
    he = next(a for a in res.record["attributions"] if a["source"]["text"] == "he")
    assert he["source"]["kind"] == "pronoun" and he["source"]["name"] == "Kyrylo Budanov"
    # the Kremlin transcript is a document
    doc = next(a for a in res.record["attributions"] if "transcript" in a["source"]["text"])
    assert doc["source"]["kind"] == "document"


def test_seed_002_bloomberg_two_sources_and_the_new_york_times(ruleset):
    res = seed("002", ruleset)
    c = chain_of(res, "Bloomberg")
    assert [n["name"] for n in c["nodes"]] == ["Bloomberg", "two sources close to the Kremlin"]
    assert c["terminal_kind"] == "anonymous"
    # "The insiders" and "they suggested" belong to the same chain
    texts = {attr(res, i)["source"]["text"] for i in c["attributions"]}
    assert {"two sources close to the Kremlin", "The insiders", "they"} <= texts
    they = next(a for a in res.record["attributions"] if a["source"]["text"] == "they")
    assert attr(res, they["source"]["resolved_to"])["source"]["text"] == "The insiders"
    # "The New York Times reported that despite recent statements by ... Vladimir Putin
    # declaring that ...": the participle's speaker is the noun phrase before it, a statement
    # inside the Times' report
    assert ["The New York Times", "Vladimir Putin"] in paths(res)
    anon = [f for f in res.findings if f.rule == "attribution.anonymous"]
    assert len(anon) == 1 and anon[0].evidence["count"] >= 3
    assert "two sources close to the Kremlin" in anon[0].message and "Bloomberg" in anon[0].message
    head = [f for f in res.findings if f.rule == "attribution.headline"]
    assert len(head) == 1 and "'Report'" in head[0].message and head[0].line == 3


def test_seed_003_reuters_anonymous_and_the_economist_interview(ruleset):
    res = seed("003", ruleset)
    c = chain_of(res, "Reuters")
    assert c["nodes"][0]["kind"] == "outlet" and c["terminal_kind"] == "anonymous"
    texts = {attr(res, i)["source"]["text"] for i in c["attributions"]}
    # the later references attach to the Reuters chain
    assert {"the cited source", "Reuters sources", "inside sources", "one of the interlocutors",
            "sources", "One of the sources"} <= texts
    cited = next(a for a in res.record["attributions"]
                 if a["source"]["text"] == "the cited source")
    assert cited["source"]["kind"] == "outlet" and cited["source"]["name"] == "Reuters"
    inter = next(a for a in res.record["attributions"]
                 if a["source"]["text"] == "one of the interlocutors")
    assert attr(res, inter["via"])["source"]["name"] == "Reuters"       # quoted by Reuters
    # "Skibitski ... told The Economist": the article relays The Economist's interview, a hop
    # (article -> The Economist -> Skibitski), and no second-hand reporting (one outlet)
    sk = chain_of(res, "The Economist")
    assert [n["name"] for n in sk["nodes"]] == ["The Economist", "Vadim Skibitski"]
    assert sk["nodes"][1]["role"].startswith("the deputy head of the Main Directorate")
    assert not any("The Economist" in f.message for f in res.findings
                   if f.rule == "attribution.second-hand")
    assert "attribution.translation" in rules(res)
    tr = next(f for f in res.findings if f.rule == "attribution.translation")
    assert tr.evidence["credit"] == "Iurie Tataru"
    vague = [f.text for f in res.findings if f.rule == "attribution.vague"]
    assert "some Western military and political analysts" in vague


def test_seed_004_reuters_citing_five_sources(ruleset):
    res = seed("004", ruleset)
    c = chain_of(res, "Reuters")
    assert [n["name"] for n in c["nodes"]] == ["Reuters",
                                               "five sources familiar with the Kremlin's opinion"]
    texts = {attr(res, i)["source"]["text"] for i in c["attributions"]}
    assert {"five current and former Russian officials", "three of the sources", "Two sources",
            "Both sources", "One source"} <= texts
    head = next(f for f in res.findings if f.rule == "attribution.headline")
    assert head.evidence["kind"] == "outlet" and head.evidence["name"] == "Reuters"
    anon = next(f for f in res.findings if f.rule == "attribution.anonymous")
    assert anon.evidence["count"] >= 10 and "via Reuters" in anon.message
    # the Peskov quote is first-hand and named
    assert ["Dmitry Peskov"] in paths(res)


def test_seed_000_hromadske_interview_and_vague_reports(ruleset):
    res = seed("000", ruleset)
    # "in an interview with the Hromadske news agency": article -> Hromadske -> Budanov
    c = chain_of(res, "Hromadske", "person")
    assert [n["name"] for n in c["nodes"]] == ["Hromadske", "Kirill Budanov"]
    venue = next(a for a in res.record["attributions"] if a.get("venue_of"))
    assert venue["cue"]["text"] == "in an interview with"
    assert venue["source"]["text"] == "the Hromadske news agency"
    assert venue["source"]["kind"] == "outlet"
    vague = sorted(f.text for f in res.findings if f.rule == "attribution.vague")
    assert vague == ["Reports", "media reports"]
    first = next(a for a in res.record["attributions"] if a["cue"]["text"] == "according to")
    assert first["source"]["name"] == "Kirill Budanov"
    assert first["source"]["role"] == "the country\u2019s top military intelligence official"


def test_records_validate_against_the_report_schema(ruleset):
    defs = REPORT_SCHEMA["$defs"]
    for p in sorted(SEEDS.glob("*.txt")):
        res = run(p.read_text(encoding="utf-8"), ruleset, p.name)
        schema = {"$defs": defs, "$ref": "#/$defs/article"}
        jsonschema.Draft202012Validator(schema).validate(res.record)
        text = p.read_text(encoding="utf-8")
        for a in res.record["attributions"]:
            assert text[a["cue"]["start"]:a["cue"]["end"]] == a["cue"]["text"]
            assert text[a["source"]["start"]:a["source"]["end"]] == a["source"]["text"]
            if a["content"]:
                assert a["content"]["end"] > a["content"]["start"]


# -- texts nobody published -------------------------------------------------------------
def test_unknown_outlet_from_context_and_told_outlet_is_a_hop(ruleset):
    res = run("Port strike ends\n\n"
              "The strike at the port is over, the Zorya news agency reported on Monday, citing "
              "a union leader.\n\n"
              "\"We are going back to work,\" Maria Kovalenko, the union's chairwoman, told the "
              "Zorya news agency. She added that the deal was fair.\n", ruleset)
    assert ["Zorya", "a union leader"] in paths(res)
    # "X told OUTLET": the article relays the outlet's interview (article -> Zorya -> X)
    assert ["Zorya", "Maria Kovalenko"] in paths(res)
    mk = next(c for c in res.record["chains"] if c["nodes"][-1]["name"] == "Maria Kovalenko")
    assert mk["nodes"][1]["role"] == "the union's chairwoman"
    she = next(a for a in res.record["attributions"] if a["source"]["text"] == "She")
    assert she["source"]["name"] == "Maria Kovalenko"
    assert "attribution.second-hand" not in rules(res)


def test_outlet_citing_itself_is_circular(ruleset):
    res = run("Minister to resign\n\n"
              "The Daily Planet reported, with reference to the Morning Courier, which cited the "
              "Daily Planet, that the minister will resign.\n", ruleset)
    assert ["Daily Planet", "Morning Courier", "Daily Planet"] in paths(res)
    circ = [f for f in res.findings if f.rule == "attribution.circular"]
    assert len(circ) == 1 and "Daily Planet appears twice" in circ[0].message


def test_vague_standalone_anonymous_and_pronoun_plural(ruleset):
    res = run("Talks stall\n\n"
              "It is reported that the cabinet met overnight.\n\n"
              "Officials from both sides said talks had stalled. They said a new round was not "
              "planned.\n\n"
              "\"Nothing is agreed,\" said John Smith, a spokesman for the ministry.\n", ruleset)
    by_text = {a["source"]["text"]: a for a in res.record["attributions"]}
    assert by_text["It is reported"]["source"]["kind"] == "vague"
    assert by_text["Officials from both sides"]["source"]["kind"] == "anonymous"
    assert by_text["They"]["source"]["resolved_kind"] == "anonymous"
    js = by_text["John Smith, a spokesman for the ministry"]["source"]
    assert js["kind"] == "person" and js["name"] == "John Smith"
    assert js["role"] == "a spokesman for the ministry"
    assert "attribution.vague" in rules(res) and "attribution.anonymous" in rules(res)


def test_pronoun_does_not_reach_beyond_the_lookback(ruleset):
    text = ("Budget passes\n\nThe mayor, Anna Berg, said the budget was balanced.\n\n"
            "Para two.\n\nPara three.\n\nPara four.\n\nHe said it was a good day.\n")
    res = run(text, ruleset)
    he = next(a for a in res.record["attributions"] if a["source"]["text"] == "He")
    assert "resolved_to" not in he["source"]
    res2 = run(text.replace("Para two.\n\nPara three.\n\nPara four.\n\n", ""), ruleset)
    he2 = next(a for a in res2.record["attributions"] if a["source"]["text"] == "He")
    assert he2["source"]["name"] == "Anna Berg"


def test_unsourced_strong_claim_only_without_attribution(ruleset):
    res = run("Scandal\n\nThe governor was secretly funding the militia.\n\n"
              "The senator was secretly meeting rivals, his aide said.\n", ruleset)
    un = [f for f in res.findings if f.rule == "attribution.unsourced"]
    assert len(un) == 1 and un[0].line == 3 and un[0].severity.value == "info"


def test_ordinary_narration_gives_no_attribution(ruleset):
    res = run("Bridge reopens\n\nThe bridge reopened on Tuesday after repairs. Traffic moved "
              "slowly through the morning and the United States flag flew over the toll booth.\n",
              ruleset)
    assert res.record["attributions"] == [] and rules(res) == []


def test_user_outlet_pack_adds_and_overrides(tmp_path):
    (tmp_path / "outlets.yaml").write_text(
        "kind: outlets\nversion: 1\nentries:\n"
        "  - {id: gazette-of-nowhere, name: Nowhere Herald-Star, aliases: [NHS], "
        "type: newspaper, country: GB}\n"
        "  - {id: reuters, enabled: false}\n", encoding="utf-8")
    rs = load_ruleset([str(tmp_path)])
    res = run("Title\n\nThe strike is over, NHS reported. Reuters reported that talks "
              "resumed.\n", rs)
    kinds = {a["source"]["text"]: a["source"] for a in res.record["attributions"]}
    assert kinds["NHS"]["kind"] == "outlet" and kinds["NHS"]["name"] == "Nowhere Herald-Star"
    # Reuters switched off in the registry: still an outlet by the cue, but not by name
    assert "outlet_id" not in kinds.get("Reuters", {})


def test_outlet_registry_size_and_types(ruleset):
    entries = ruleset.entries("outlets")
    assert len(entries) >= 150
    assert {e["type"] for e in entries} == {"wire-agency", "newspaper", "broadcaster", "magazine",
                                            "online-outlet", "aggregator", "state-affiliated",
                                            "program"}
    assert all(e.get("country") for e in entries)
    # a program names the outlet that airs it, and that outlet is in the registry
    ids = {e["id"] for e in entries}
    assert all(e["network"] in ids for e in entries if e.get("network"))
    assert len(ids) == len(entries)


# -- quality on the hand-annotated real excerpts --------------------------------------------
def _quality_module():
    spec = importlib.util.spec_from_file_location(
        "attribution_quality", ROOT / "benchmarks" / "attribution_quality.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_annotated_fixtures_are_consistent():
    files = sorted((FIXTURES / "attribution" / "annotated").glob("*.json"))
    assert len(files) >= 30
    outlets = set()
    for p in files:
        d = json.loads(p.read_text(encoding="utf-8"))
        outlets.add(d["outlet"])
        for g in d["gold"]:
            for part in ("cue", "source"):
                s = g[part]
                assert d["text"][s["start"]:s["end"]] == s["text"], (p.name, s)
    assert len(outlets) >= 30


def test_quality_floor_on_annotated_real_articles(ruleset):
    mod = _quality_module()
    res = mod.evaluate(mod.load_fixtures(), ruleset)
    assert res["gold"] >= 100
    # measured 0.93 source F1 when this floor was set; the floor leaves room for rule changes
    assert res["source"]["f1"] >= 0.85, res["source"]
    assert res["cue"]["f1"] >= 0.85, res["cue"]
    assert res["kind_accuracy"] >= 0.85


def test_rsp_importer_matches_registry_names(ruleset):
    from auditor.knowledge.rsp_import import build
    pack = build(str(FIXTURES / "attribution" / "rsp_sample.tsv"), ruleset.entries("outlets"))
    by = {e["outlet"]: e for e in pack["entries"]}
    assert set(by) == {"reuters", "fox-news", "daily-mail"}       # the blog is not in the registry
    assert by["fox-news"]["status"] == "generally_unreliable"      # the latest discussion wins
    assert by["fox-news"]["statuses"] == ["no_consensus", "generally_unreliable"]
    assert pack["license"] == "CC BY-SA 4.0" and "Wikipedia" in pack["credit"]


def test_quality_floor_on_the_allsides_2016_dev_set(ruleset, monkeypatch):
    """The 47 hand-annotated AllSides 2016 excerpts (benchmarks/attribution_dev): every
    annotation builds, and cues, sources and relayed chains stay above floors set below the
    figures measured when they were written (docs/benchmarks.md, "Attribution quality")."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    mod = _quality_module()
    dev = ROOT / "benchmarks" / "attribution_dev"
    items = mod.load(str(dev / "tune")) + mod.load(str(dev / "dev"))
    assert len(items) >= 40
    res = mod.evaluate(items, ruleset)
    assert res["gold"] >= 600 and res["chains"]["gold"] >= 60
    assert res["chains"]["articles_without_relay"] >= 15
    assert res["cue"]["f1"] >= 0.84, res["cue"]
    assert res["source"]["f1"] >= 0.81, res["source"]
    assert res["source_on_found"] >= 0.95, res["source_on_found"]
    assert res["chains"]["recall"] >= 0.52, res["chains"]
    assert res["chains"]["false_chains_there"] <= 7, res["chains"]
