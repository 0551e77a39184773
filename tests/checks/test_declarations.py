"""One declaration per rule id (auditor.checks.declarations): every rule id a check can emit is
declared, the default packs agree with the declared severities, and `auditor rules explain`."""
import json
import re

import pytest
import yaml
from conftest import ROOT, run_cli

from auditor.checks import declarations
from auditor.output import FORMATS, RENDERERS, get

FAMILIES_WITH_COLOUR = ("duplicate", "boilerplate", "reuse", "attribution", "consistency",
                        "headline")


def test_rule_ids_are_well_formed_and_unique():
    rules = declarations.rules()
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids))
    for r in rules:
        assert re.fullmatch(r"[a-z]+\.[a-z0-9-]+", r.id), r.id
        assert r.help and r.explain and r.name and "\n" not in r.help, r.id
        assert declarations.family(r.family) is not None, f"{r.id}: family not declared"
    assert declarations.coloured_families() == FAMILIES_WITH_COLOUR


def test_findings_are_emitted_with_declared_ids_not_strings():
    """No check writes a rule id as a string literal where it builds a finding."""
    literal = re.compile(r"Finding(?:\.at)?\(\s*(?:article|art|\w+)?\s*,?\s*f?[\"']"
                         r"[a-z]+\.[a-z{]")
    offenders = []
    for path in [*(ROOT / "auditor" / "checks").rglob("*.py"), ROOT / "auditor" / "engine" / "suppress.py"]:
        text = path.read_text(encoding="utf-8")
        for m in literal.finditer(text):
            offenders.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
    assert not offenders, offenders


def test_every_rule_id_the_fixtures_raise_is_declared(tmp_path):
    out = tmp_path / "r.json"
    res = run_cli("check", "seeds", "tests/fixtures", "--fail-on", "never", "--allow-unreadable",
                  "--format", "json", "-o", str(out), cwd=ROOT)
    assert res.returncode == 0, res.stderr[-2000:]
    found = {(f["rule"], f["severity"]) for f in json.loads(out.read_text())["findings"]}
    assert len({r for r, _ in found}) >= 20
    undeclared = sorted(r for r, _ in found if declarations.get(r) is None)
    assert not undeclared


def test_every_boilerplate_category_of_the_default_packs_is_declared():
    rules = yaml.safe_load((ROOT / "rules" / "boilerplate.yaml").read_text())
    model = yaml.safe_load((ROOT / "rules" / "boilerplate-model.yaml").read_text())
    cats = {e["category"] for e in rules["entries"]} | {e["id"] for e in model["entries"]}
    for c in sorted(cats):
        assert declarations.get(f"boilerplate.{c}") is not None, c


def _pack(name):
    return yaml.safe_load((ROOT / "rules" / name).read_text())


def test_default_packs_agree_with_the_declared_severities():
    """Where a default pack sets a rule's severity, the declaration's default is the same, so the
    declarations describe what the tool reports."""
    seen = []

    def agree(rule_id, severity):
        r = declarations.get(rule_id)
        assert r is not None, rule_id
        assert r.severity == severity, (rule_id, r.severity, severity)
        seen.append(rule_id)

    for name, family in (("duplicates.yaml", "duplicate"), ("nearduplicates.yaml", "duplicate"),
                         ("reuse.yaml", "reuse")):
        for e in _pack(name)["entries"]:
            agree(f"{family}.{e['id']}", e["severity"])
    for short, sev in _pack("attribution.yaml")["settings"]["severity"].items():
        agree(f"attribution.{short}", sev)
    agree("headline.sensational", _pack("headline.yaml")["settings"]["severity"])
    bp = _pack("boilerplate.yaml")
    for e in bp["entries"]:
        agree(f"boilerplate.{e['category']}", e["severity"])
    agree("boilerplate.recurring", bp["settings"]["recurring"]["severity"])
    for e in _pack("boilerplate-model.yaml")["entries"]:
        agree(f"boilerplate.{e['id']}", e["severity"])
    agree("consistency.variant", _pack("kb/variants.yaml")["settings"]["severity"])
    agree("consistency.style", _pack("kb/house-style.yaml")["settings"]["severity"])
    assert len(set(seen)) >= 30


def test_an_undeclared_id_of_a_user_pack_is_described_by_its_family():
    d = declarations.describe("boilerplate.my-own-category")
    fam = declarations.family("boilerplate")
    assert (d["short"], d["help"], d["name"]) == (fam.help, fam.explain, "BoilerplateMyOwnCategory")
    d = declarations.describe("nosuchfamily.rule")
    assert d["short"] and d["help"] and d["name"] == "NosuchfamilyRule"


def test_rules_explain_prints_the_declaration():
    res = run_cli("rules", "explain", "duplicate.line")
    assert res.returncode == 0, res.stderr
    r = declarations.get("duplicate.line")
    assert res.stdout.startswith("duplicate.line (DuplicateLine)\n")
    assert "default severity: warning" in res.stdout and r.help in res.stdout
    assert " ".join(res.stdout.split()).count(" ".join(r.explain.split())) == 1


def test_rules_explain_a_family_lists_its_rules():
    res = run_cli("rules", "explain", "attribution")
    assert res.returncode == 0, res.stderr
    for r in declarations.rules():
        assert (r.id in res.stdout) == (r.family == "attribution"), r.id


def test_rules_explain_an_unknown_id_names_close_matches():
    res = run_cli("rules", "explain", "duplicate.lines")
    assert res.returncode == 2
    assert "no rule id 'duplicate.lines'" in res.stderr and "duplicate.line" in res.stderr
    res = run_cli("rules", "explain", "zzz")
    assert res.returncode == 2 and "auditor rules list" in res.stderr


def test_rules_list_shows_every_declared_rule_id():
    res = run_cli("rules", "list")
    assert res.returncode == 0
    for r in declarations.rules():
        row = rf"^  {re.escape(r.id)} +{r.severity} +{re.escape(r.help)}$"
        assert re.search(row, res.stdout, re.M), r.id


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_name_has_its_renderer(name):
    assert get(name).name == name


def test_the_format_table_is_the_registered_renderers():
    get("text")             # loads every renderer module
    assert set(RENDERERS) == set(FORMATS)
