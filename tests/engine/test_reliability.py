"""The explained reliability score: components, weights from the pack, per-article only."""
import json

from auditor.model import Finding, Severity
from auditor.engine.pipeline import AuditOptions, audit
from auditor.engine.stage import process_article
from auditor.engine.reliability import score
from auditor.rules import load_ruleset

from conftest import SEEDS, make_article, run_cli, validate_report

COMPONENTS = {"named-share", "no-attribution", "anonymous-only", "vague", "chain-depth",
              "terminal-kind", "outlet-rating", "penalty-duplicate-headline", "penalty-boilerplate",
              "penalty-title", "penalty-sensational", "penalty-headline-attribution"}


def run(text, ruleset, name="t.txt"):
    return process_article(make_article(text, name), ruleset)


def finding(rule, article="x"):
    return Finding(rule, Severity.WARNING, article, 1, 1, 0, 1, "x", "m")


def test_every_seed_has_an_explained_score(ruleset):
    result = audit([str(SEEDS)], ruleset, AuditOptions())
    assert len(result.articles) == 5
    for rec in result.articles:
        rel = rec["reliability"]
        assert 0 <= rel["score"] <= 100 and rel["grade"] in "ABCDF"
        names = {c["name"] for c in rel["components"]}
        assert names == COMPONENTS
        for c in rel["components"]:
            assert c["explanation"] and c["points"] <= 0
        assert round(100 + sum(c["points"] for c in rel["components"])) == rel["score"] or \
            rel["score"] in (0, 100)
    by = {r["id"][:3]: r["reliability"] for r in result.articles}
    # the anonymous-heavy relays score below the article with named sources
    assert by["002"]["score"] < by["001"]["score"]
    assert by["004"]["score"] < by["001"]["score"]
    comp = {c["name"]: c for c in by["004"]["components"]}
    assert comp["anonymous-only"]["value"] >= 10 and comp["anonymous-only"]["points"] == -24
    comp1 = {c["name"]: c for c in by["001"]["components"]}
    assert comp1["chain-depth"]["value"] == 3
    assert "Baltimore Chronicle -> Bloomberg" in comp1["chain-depth"]["explanation"]
    comp0 = {c["name"]: c for c in by["000"]["components"]}
    assert comp0["vague"]["value"] == 2 and comp0["penalty-sensational"]["points"] == -10


def test_score_in_json_and_text_output(tmp_path):
    p = run_cli("audit", str(SEEDS), "--format", "json", "--output", str(tmp_path / "rep"))
    assert p.returncode in (0, 1), p.stderr
    data = json.loads((tmp_path / "rep" / "report.json").read_text(encoding="utf-8"))
    validate_report(data)
    assert all("components" in a["reliability"] for a in data["articles"])
    assert json.loads(p.stdout)["articles"][0]["reliability"]["components"]
    t = run_cli("audit", str(SEEDS), "--format", "text", "--output", str(tmp_path / "rep2"))
    lines = t.stdout.splitlines()
    heads = [ln for ln in lines if "reliability " in ln and "/100 (" in ln]
    assert len(heads) == 5
    assert any(ln.strip().startswith("anonymous-only: ") and "unnamed sources" in ln
               for ln in lines)


def test_same_article_same_score_whatever_the_corpus(ruleset, tmp_path):
    one = tmp_path / "one"
    one.mkdir()
    src = next(SEEDS.glob("003_*.txt"))
    (one / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    alone = audit([str(one)], ruleset, AuditOptions()).articles[0]["reliability"]
    together = next(a for a in audit([str(SEEDS)], ruleset, AuditOptions()).articles
                    if a["id"] == src.name)["reliability"]
    assert alone == together


def test_penalties_use_only_this_articles_findings(ruleset):
    rec = {"chars": 1000, "attributions": [], "chains": []}
    base = score(rec, [], ruleset)
    hit = score(rec, [finding("headline.sensational"), finding("boilerplate.byline"),
                      finding("boilerplate.navigation")], ruleset)
    comp = {c["name"]: c for c in hit["components"]}
    assert comp["penalty-sensational"]["points"] == -10
    assert comp["penalty-boilerplate"]["value"] == 2 and comp["penalty-boilerplate"]["points"] == -2
    assert hit["score"] == base["score"] - 12
    nothing = {c["name"]: c for c in base["components"]}
    assert nothing["no-attribution"]["points"] == -10     # a long article citing nobody


def test_weights_come_from_the_scoring_pack(tmp_path):
    (tmp_path / "scoring.yaml").write_text(
        "kind: scoring\nversion: 1\nentries:\n"
        "  - {id: vague, component: vague, weight: 20, cap: 40}\n"
        "  - {id: penalty-sensational, component: penalty, rule: headline.sensational, "
        "weight: 0}\n", encoding="utf-8")
    rs = load_ruleset([str(tmp_path)])
    text = ("Claims swirl\n\nMedia reports say the deal is off. It is reported that talks "
            "failed.\n")
    res = run(text, rs)
    comp = {c["name"]: c for c in res.record["reliability"]["components"]}
    assert comp["vague"]["value"] == 2 and comp["vague"]["points"] == -40
    assert comp["vague"]["weight"] == 20


def test_named_sources_score_higher_than_anonymous(ruleset):
    named = run("Plan approved\n\nThe plan was approved, Mayor Anna Berg said. The council's "
                "finance chief, Tom Reed, said costs would fall.\n", ruleset)
    anon = run("Plan approved\n\nThe plan was approved, two officials said. People familiar "
               "with the matter said costs would fall.\n", ruleset)
    assert named.record["reliability"]["score"] > anon.record["reliability"]["score"]
    comp = {c["name"]: c for c in named.record["reliability"]["components"]}
    assert comp["named-share"]["value"] == 1.0 and comp["named-share"]["points"] == 0


def test_grades_follow_the_pack(ruleset):
    rec = {"chars": 10, "attributions": [], "chains": []}
    assert score(rec, [], ruleset)["grade"] == "A"
    many = [finding("headline.sensational")] + [finding("consistency.title")] * 3 + \
        [finding("duplicate.headline")]
    res = score(rec, many, ruleset)
    assert res["score"] == 70 and res["grade"] == "B"


def test_outlet_rating_layer_is_optional_and_credited(ruleset, tmp_path):
    import yaml
    from conftest import ROOT
    pack = yaml.safe_load((ROOT / "rules" / "outlet-ratings.yaml").read_text(encoding="utf-8"))
    assert pack["license"] == "CC BY-SA 4.0" and "Perennial sources" in pack["credit"]
    text = ("Story\n\nThe minister will resign, the Daily Mail reported. Officials in the "
            "ministry declined to comment, Reuters reported.\n")
    res = run(text, ruleset)
    comp = {c["name"]: c for c in res.record["reliability"]["components"]}
    assert comp["outlet-rating"]["value"] == 2
    assert comp["outlet-rating"]["points"] == -8          # deprecated 1.0, reliable 0.0
    assert "Daily Mail (deprecated)" in comp["outlet-rating"]["explanation"]
    # without the layer the component takes nothing off
    (tmp_path / "off.yaml").write_text(
        "kind: outlet-ratings\nversion: 1\nentries:\n  - {id: rsp-daily-mail, enabled: false}\n",
        encoding="utf-8")
    res2 = run(text, load_ruleset([str(tmp_path)]))
    comp2 = {c["name"]: c for c in res2.record["reliability"]["components"]}
    assert comp2["outlet-rating"]["points"] == 0


def test_a_terminal_kind_without_a_value_takes_the_packs_default(tmp_path):
    chain = {"nodes": [{"kind": "person", "name": "X"}], "depth": 1}
    rec = {"chars": 1000, "attributions": [], "chains": [dict(chain, terminal_kind="person"),
                                                         dict(chain, terminal_kind=None)]}

    def terminal(rs):
        return next(c for c in score(rec, [], rs)["components"] if c["name"] == "terminal-kind")["value"]
    assert terminal(load_ruleset()) == 0.75                     # (1.0 + terminal_default 0.5) / 2
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "scoring.yaml").write_text("kind: scoring\nversion: 1\nsettings:\n  terminal_default: 0.1\n"
                                       "entries: []\n")
    assert terminal(load_ruleset([str(mine)])) == 0.55
