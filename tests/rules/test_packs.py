import time

import pytest

from auditor.rules import (RegexTimeout, RulePackError, compile_pattern, finditer, load_dir,
                           load_ruleset)

from conftest import run_cli


def write(folder, name, text):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)
    return folder


def test_default_packs_are_valid():
    packs, problems = load_dir(__import__("auditor.rules").rules.default_rules_dir())
    assert not problems
    kinds = {data["kind"] for _, data in packs}
    assert {"duplicates", "headline"} <= kinds


def test_user_pack_overrides_and_disables(tmp_path):
    user = write(tmp_path / "mine", "headline.yaml", """
kind: headline
version: 1
settings: {min_score: 2}
entries:
  - id: exclamation
    enabled: false
  - id: shocking
    category: word
    pattern: '\\bshocking\\b'
    weight: 3
  - id: sensational-new
    category: word
    pattern: '\\bjaw-?dropping\\b'
""")
    rs = load_ruleset([str(user)])
    pack = rs.pack("headline")
    ids = [e["id"] for e in pack.active()]
    assert "exclamation" not in ids and "sensational-new" in ids
    assert pack.entries["shocking"]["weight"] == 3
    assert pack.entries["shocking"]["_source"].endswith("headline.yaml")
    assert pack.settings["min_score"] == 2
    # defaults untouched elsewhere
    assert "not_headline" in pack.settings


def test_validation_names_file_entry_and_json_path(tmp_path):
    bad = write(tmp_path / "bad", "headline.yaml", """
kind: headline
version: 1
entries:
  - id: ok-one
    category: word
    pattern: 'fine'
  - id: no-category
    pattern: 'x'
""")
    write(bad, "more.yaml", """
kind: headline
version: 1
entries:
  - id: broken-regex
    category: word
    pattern: '(unclosed'
""")
    with pytest.raises(RulePackError) as e:
        load_ruleset([str(bad)])
    text = "\n".join(e.value.problems)
    assert "more.yaml: entry 'broken-regex' $.entries[0].pattern: invalid regular expression" in text
    assert "headline.yaml: entry 'no-category' $.entries[1]: 'category' is a required property" in text


def test_yaml_syntax_error_has_line(tmp_path):
    bad = write(tmp_path / "bad", "x.yaml", "kind: headline\nversion: 1\nentries: [\n  - id: a\n")
    _, problems = load_dir(bad)
    assert problems and "x.yaml:" in problems[0] and "invalid YAML" in problems[0]


def test_catastrophic_pattern_is_stopped():
    rx = compile_pattern(r"(a|aa)+$", [])
    text = "a" * 40 + "b"
    t0 = time.perf_counter()
    with pytest.raises(RegexTimeout):
        finditer(rx, text)
    assert time.perf_counter() - t0 < 5


def test_catastrophic_user_pattern_does_not_hang_the_audit(tmp_path):
    user = write(tmp_path / "evil", "headline.yaml", """
kind: headline
version: 1
entries:
  - id: evil
    category: shape
    pattern: '(a|aa)+$'
""")
    art = tmp_path / "a.txt"
    art.write_text("a" * 40 + "b\n\nBody text here.\n")
    res = run_cli("audit", str(art), "--rules", str(user), "--output", "", "--format", "json")
    assert res.returncode == 0, res.stderr
    assert "took over" in res.stderr and "rule-timeout" in res.stdout


def test_rules_validate_cli(tmp_path):
    ok = run_cli("rules", "validate")
    assert ok.returncode == 0 and "valid" in ok.stdout
    bad = write(tmp_path / "bad", "dup.yaml", "kind: duplicates\nversion: 1\nentries:\n  - id: headline\n    severity: fatal\n")
    res = run_cli("rules", "validate", str(bad))
    assert res.returncode == 2
    assert "dup.yaml: entry 'headline' $.entries[0].severity: 'fatal' is not one of" in res.stderr


def test_audit_refuses_invalid_pack(tmp_path):
    bad = write(tmp_path / "bad", "dup.yaml", "kind: duplicates\nversion: one\nentries: []\n")
    res = run_cli("audit", "seeds", "--rules", str(bad), "--output", "")
    assert res.returncode == 2
    assert "$.version" in res.stderr and "nothing was audited" in res.stderr


def test_rules_list_marks_disabled(tmp_path):
    user = write(tmp_path / "u", "d.yaml", "kind: duplicates\nversion: 1\nentries:\n"
                 "  - id: line\n    severity: info\n    enabled: false\n")
    res = run_cli("rules", "list", "--rules", str(user))
    assert res.returncode == 0
    assert "line:" in res.stdout and "[disabled]" in res.stdout


def test_derived_data_is_built_once_per_rule_set_and_not_pickled():
    import pickle
    from auditor.rules import load_ruleset
    a, b = load_ruleset(), load_ruleset()
    built = []

    def build(rs):
        built.append(rs)
        return object()

    first = a.cached("x", lambda: build(a))
    assert a.cached("x", lambda: build(a)) is first and built == [a]
    assert b.cached("x", lambda: build(b)) is not first and built == [a, b]
    again = pickle.loads(pickle.dumps(a))           # a worker's copy builds its own
    assert again.cached("x", lambda: build(again)) is not first and len(built) == 3


def test_word_list_settings_are_typed_and_the_error_names_file_and_key(tmp_path):
    bad = write(tmp_path / "bad", "words.yaml", "kind: kb-words\nversion: 1\nsettings:\n"
                "  now_words: today\n"                           # a list, not a string
                "  title_modifiers: {caretaker: sometimes}\n"    # not a role
                "  said_verbs: [said, '{weekday}']\n"            # {weekday} only where offered
                "entries: []\n")
    with pytest.raises(RulePackError) as ei:
        load_ruleset([str(bad)])
    where = str(bad / "words.yaml")
    problems = ei.value.problems
    assert any(p.startswith(f"{where}: $.settings.now_words: ") and "is not of type 'array'" in p
               for p in problems), problems
    assert any(p.startswith(f"{where}: $.settings.title_modifiers.caretaker: 'sometimes' is not one of")
               for p in problems), problems
    assert any(p.startswith(f"{where}: $.settings.said_verbs[1]: ") for p in problems), problems
    # only the file that gave the bad setting is named, not the default pack merged under it
    assert not any("default_rules" in p or "rules/kb/words.yaml" in p for p in problems), problems


def test_phrases_are_words_not_regexes():
    from auditor.rules.phrases import alternation, normal_form, phrase
    assert phrase("at the time") == r"at\s+the\s+time"
    assert phrase("* years ago") == r"\w+\s+years\s+ago"
    assert phrase("won't") == "won['’]t"
    assert phrase("a.b (c)") == r"a\.b\s+\(c\)"
    assert phrase("on {weekday}", {"weekday": "(?:Monday)"}) == r"on\s+(?:Monday)"
    with pytest.raises(ValueError):
        phrase("on {weekday}")
    rx = compile_pattern(alternation(["ex-", "ex", "newly appointed"]), ["ignorecase"])
    assert [normal_form(m.group(0)) for m in rx.finditer("Ex- and newly\n appointed")] == \
        ["ex", "newly appointed"]
    assert alternation([]) == "(?!)"


def test_a_setting_the_default_packs_give_is_read_without_a_second_default(tmp_path):
    rs = load_ruleset()
    assert rs.setting("nearduplicates", "headline", "similarity") == 92
    bare = load_ruleset([str(write(tmp_path / "only", "d.yaml", "kind: duplicates\nversion: 1\n"
                                   "entries: []\n"))], include_defaults=False)
    with pytest.raises(ValueError, match="duplicates: the rule packs give no setting 'line_similarity'"):
        bare.setting("duplicates", "line_similarity")
