"""The knowledge base packs, their loader and the importers (tiny fixture copies of the sources)."""
import datetime as dt

import yaml

from auditor.knowledge.kb import KB, get_kb, parse_kb_date
from auditor.knowledge.kb_import import import_ifg_ministers, import_us_executive
from auditor.rules import load_dir, load_ruleset, validate_pack

from conftest import FIXTURES, run_cli

KBF = FIXTURES / "kb"


def test_default_kb_packs_valid_and_every_record_sourced(ruleset):
    kinds = {k for k in ruleset.packs}
    assert {"kb-people", "kb-positions", "kb-jurisdictions", "kb-variants", "house-style"} <= kinds
    for e in ruleset.entries("kb-people"):
        assert e["source"] and e["retrieved"], e["id"]
    kb = get_kb(ruleset)
    positions = set(kb.positions)
    for p in kb.people.values():
        assert all(t.position in positions for t in p.tenures), p.id
    for e in ruleset.entries("kb-people"):
        for t in e.get("tenures") or []:
            assert t["position"] in positions, (e["id"], t["position"])


def test_heads_and_ministers_of_the_eight_countries(ruleset):
    kb = get_kb(ruleset)
    held = {(t.position) for p in kb.people.values() for t in p.tenures}
    for j in ("ua", "ru", "us", "gb", "fr", "de", "tr", "cn"):
        kinds = {kb.positions[p].kind for p in held if kb.positions[p].jurisdiction == j}
        assert {"foreign-minister", "defence-minister"} <= kinds, j
        assert kinds & {"head-of-state", "head-of-government"}, j
    assert kb.people["kyrylo-budanov"].given[:2] == ["Kyrylo", "Kirill"]
    assert {"Zelensky", "Zelenskyy", "Zelenskiy"} <= set(kb.people["volodymyr-zelensky"].family)
    assert {"Skibitskyi", "Skibitski"} <= set(kb.people["vadym-skibitskyi"].family)


def test_partial_dates_and_open_tenures(ruleset):
    assert parse_kb_date("2023-06") == dt.date(2023, 6, 1)
    assert parse_kb_date("2023-06", latest=True) == dt.date(2023, 6, 30)
    assert parse_kb_date("2024", latest=True) == dt.date(2024, 12, 31)
    kb = get_kb(ruleset)
    fidan = kb.people["hakan-fidan"].tenures[0]
    assert fidan.possibly_holding(dt.date(2023, 6, 2)) and not fidan.surely_holding(dt.date(2023, 6, 2))
    trump = [t for t in kb.people["donald-trump"].tenures if t.open][0]
    assert trump.scheduled_end == dt.date(2029, 1, 20) and trump.end_lo is None   # scheduled, not observed
    assert not trump.surely_holding(dt.date(2027, 1, 1))                        # past the KB's date
    assert trump.surely_holding(dt.date(2027, 1, 1), extrapolate=True)
    assert kb.summary("volodymyr-zelensky") == "President of Ukraine since 2019-05-20"


def test_titles_and_jurisdictions(ruleset):
    kb = get_kb(ruleset)
    assert "ua-president" in kb.positions_for_core("President")
    assert kb.positions_for_core("head of the Main Directorate of Intelligence") == {"ua-hur-chief"}
    assert kb.jurisdiction_of("Ukraine's") == {"ua"}
    assert kb.jurisdiction_of("U.S.") == {"us"}
    assert kb.jurisdiction_of("us") == set()          # the pronoun is no jurisdiction


def test_user_pack_overrides_a_person_by_id(tmp_path):
    d = tmp_path / "mine"
    d.mkdir()
    (d / "p.yaml").write_text("""
kind: kb-people
version: 1
entries:
  - id: hakan-fidan
    name: Hakan Fidan
    given: [Hakan]
    family: [Fidan]
    source: "local correction"
    retrieved: "2026-02-01"
    tenures: [{position: tr-foreign-minister, start: "2023-06-04"}]
""")
    kb = KB(load_ruleset([str(d)]))
    assert kb.people["hakan-fidan"].tenures[0].raw["start"] == "2023-06-04"
    assert kb.people["hakan-fidan"].source == "local correction"


def test_pack_without_source_is_rejected(tmp_path):
    data = {"kind": "kb-people", "version": 1, "entries": [{"id": "x", "name": "X Y", "retrieved": "2024"}]}
    problems = validate_pack(data, "p.yaml")
    assert any("source" in p for p in problems)


def test_import_us_executive(tmp_path, ruleset):
    out = tmp_path / "us.yaml"
    pack = import_us_executive(KBF / "us-executive.yaml", out, ruleset, retrieved="2026-06-15",
                               source="fixture")
    assert validate_pack(yaml.safe_load(out.read_text()), str(out)) == []
    by_id = {e["id"]: e for e in pack["entries"]}
    assert {"john-adams", "john-quincy-adams", "joe-biden", "donald-trump", "george-washington"} <= set(by_id)
    biden = by_id["joe-biden"]
    assert biden["given"][0] == "Joe"
    # two consecutive vice-presidential terms become one tenure
    assert [t["position"] for t in biden["tenures"]] == ["us-vice-president", "us-president"]
    assert biden["tenures"][0] == {"position": "us-vice-president", "start": "2009-01-20",
                                   "elected": "2008-11-04", "end": "2017-01-20"}
    trump = by_id["donald-trump"]["tenures"]
    assert trump[1]["scheduled_end"] == "2029-01-20" and "end" not in trump[1]
    assert trump[1]["elected"] == "2024-11-05"
    assert by_id["donald-trump"].get("short") is True and "short" not in by_id["john-adams"]
    assert pack["license"] == "CC0-1.0"


def test_import_ifg_credits_the_institute(tmp_path, ruleset):
    out = tmp_path / "uk.yaml"
    pack = import_ifg_ministers(KBF / "ifg", out, ruleset, retrieved="2026-06-19", source="fixture")
    assert validate_pack(yaml.safe_load(out.read_text()), str(out)) == []
    assert "Institute for Government" in pack["credit"] and pack["license"] == "CC-BY-4.0"
    assert "Institute for Government" in out.read_text().splitlines()[1]
    by_name = {e["name"]: e for e in pack["entries"]}
    cam = by_name["David Cameron"]
    assert "Lord Cameron of Chipping Norton" in cam["aliases"]
    assert [t["position"] for t in cam["tenures"]] == ["gb-prime-minister", "gb-foreign-secretary"]
    assert by_name["Keir Starmer"]["tenures"][0] == {"position": "gb-prime-minister", "start": "2024-07-05"}


def test_cli_import_writes_a_loadable_pack(tmp_path):
    out = tmp_path / "packs" / "us.yaml"
    p = run_cli("kb", "import-us-executive", str(KBF / "us-executive.yaml"), str(out),
                "--retrieved", "2026-06-15")
    assert p.returncode == 0, p.stderr
    assert "people written" in p.stdout
    packs, problems = load_dir(out.parent)
    assert not problems and packs[0][1]["kind"] == "kb-people"
