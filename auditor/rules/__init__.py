"""Rule packs: load YAML, validate with the shipped JSON Schemas, layer user packs over defaults.

A pack is a YAML file with ``kind``, ``version``, optional ``settings`` and
``entries`` (each with a stable ``id``). Packs of the same kind merge: settings
key by key, entries by id (a user entry's keys override the default's;
``enabled: false`` switches an entry off). Regular expressions run on the
``regex`` engine with a time bound, so no pattern can hang a run.

This is the layer above ``model`` and ``text`` (tests/test_layers.py): the one place patterns
are compiled (``compile_pattern``, ``search`` with its time bound) and, in ``wordscan``, the
optimiser that tries a big alternation only where one of its first words starts.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

import jsonschema
import regex
import yaml

REGEX_TIMEOUT = 0.25            # seconds for one regex call on one text
_SCHEMAS = resources.files("auditor.schemas")


class RulePackError(Exception):
    """One or more problems in rule packs; ``problems`` are one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class RegexTimeout(Exception):
    pass


_T = TypeVar("_T")


@dataclass
class Pack:
    kind: str
    version: int = 1
    settings: dict[str, Any] = field(default_factory=dict)
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)   # every entry, by id
    sources: list[str] = field(default_factory=list)                    # files it came from
    # the file that last gave each setting (a path of keys, nested mappings included)
    setting_sources: dict[tuple, str] = field(default_factory=dict)

    def active(self) -> list[dict[str, Any]]:
        """Enabled entries in file order."""
        return [e for e in self.entries.values() if e.get("enabled", True)]


@dataclass
class RuleSet:
    packs: dict[str, Pack] = field(default_factory=dict)
    disabled_rules: set[str] = field(default_factory=set)      # rule ids (family.name) switched off
    severity_overrides: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)           # the folders layered, in order
    enabled_rules: set[str] = field(default_factory=set)       # rule ids kept on despite family.*

    def __getstate__(self):
        return {"packs": self.packs, "disabled_rules": self.disabled_rules,
                "severity_overrides": self.severity_overrides, "sources": self.sources,
                "enabled_rules": self.enabled_rules}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def pack(self, kind: str) -> Pack:
        return self.packs.get(kind) or Pack(kind)

    def cached(self, name: str, build: Callable[[], _T]) -> _T:
        """What ``build()`` derives from this rule set (compiled rules, the knowledge base, ...),
        built on first use and kept on the rule set itself, so it lives as long as the rule set
        and never outlives it. Not pickled: a worker process builds its own."""
        store = self.__dict__.setdefault("_derived", {})
        if name not in store:
            store[name] = build()
        return store[name]

    def settings(self, kind: str) -> dict[str, Any]:
        return self.pack(kind).settings

    def setting(self, kind: str, *keys: str) -> Any:
        """A setting of the ``kind`` packs (``keys``: a path into nested mappings) that the
        default pack gives, so that no default is written a second time in Python; see
        :func:`required`."""
        return required(self.settings(kind), kind, *keys)

    def entries(self, kind: str) -> list[dict[str, Any]]:
        return self.pack(kind).active()

    def sentence_abbreviations(self) -> frozenset[str]:
        """The words a full stop after which ends no sentence (the ``text`` pack's
        ``sentence_abbreviations``), as ``text.sentences`` takes them: lower case, without
        the final stop."""
        return self.cached("text.sentence_abbreviations", lambda: frozenset(
            w.lower().rstrip(".") for w in self.setting("text", "sentence_abbreviations")))

    def rule_enabled(self, rule: str) -> bool:
        if rule in self.enabled_rules:
            return True
        family = rule.split(".", 1)[0]
        return (rule not in self.disabled_rules and f"{family}.*" not in self.disabled_rules
                and "*" not in self.disabled_rules)


def required(settings: dict[str, Any], kind: str, *keys: str) -> Any:
    """``settings[k1][k2]...``; a ValueError naming the kind and the key when the packs in force
    do not give it (the default packs give every setting a check reads: they are always loaded
    under a user's and merge key by key, so this happens only when they are left out)."""
    value: Any = settings
    for i, k in enumerate(keys):
        if not isinstance(value, dict) or k not in value:
            raise ValueError(f"{kind}: the rule packs give no setting {'.'.join(keys[:i + 1])!r} "
                             f"(the default {kind} pack has it; were the default packs left out?)")
        value = value[k]
    return value


# -- regexes ---------------------------------------------------------------------
_FLAG_NAMES = {"ignorecase": regex.IGNORECASE, "multiline": regex.MULTILINE,
               "dotall": regex.DOTALL, "verbose": regex.VERBOSE}
_compiled: dict[tuple[str, int], Any] = {}


def compile_pattern(pattern: str, flags: Iterable[str] | int = ()) -> Any:
    """Compile (cached) with the ``regex`` engine; raises ``regex.error`` on bad syntax."""
    if not isinstance(flags, int):
        f = 0
        for name in flags:
            f |= _FLAG_NAMES[name]
        flags = f
    key = (pattern, flags)
    rx = _compiled.get(key)
    if rx is None:
        rx = _compiled[key] = regex.compile(pattern, flags | regex.V0)
    return rx


def entry_regex(entry: dict[str, Any], key: str = "pattern") -> Any:
    flags = entry.get("flags", ["ignorecase"] if entry.get("ignorecase", True) else [])
    return compile_pattern(entry[key], flags)


def finditer(rx: Any, text: str, pos: int = 0, endpos: int | None = None) -> list[Any]:
    """All matches, or RegexTimeout when the pattern takes too long on this text."""
    try:
        return list(rx.finditer(text, pos, len(text) if endpos is None else endpos,
                                timeout=REGEX_TIMEOUT))
    except TimeoutError:
        raise RegexTimeout(f"pattern {rx.pattern!r} took over {REGEX_TIMEOUT}s and was stopped") \
            from None


def search(rx: Any, text: str, pos: int = 0, endpos: int | None = None) -> Any:
    try:
        return rx.search(text, pos, len(text) if endpos is None else endpos, timeout=REGEX_TIMEOUT)
    except TimeoutError:
        raise RegexTimeout(f"pattern {rx.pattern!r} took over {REGEX_TIMEOUT}s and was stopped") \
            from None


# -- loading and validation --------------------------------------------------------
def _schema(name: str) -> dict:
    return json.loads((_SCHEMAS / name).read_text(encoding="utf-8"))


_BASE_SCHEMA: dict | None = None
_KIND_SCHEMAS: dict[str, dict | None] = {}


def kind_schema(kind: str) -> dict | None:
    if kind not in _KIND_SCHEMAS:
        res = _SCHEMAS / "rules" / f"{kind}.schema.json"
        _KIND_SCHEMAS[kind] = json.loads(res.read_text(encoding="utf-8")) if res.is_file() else None
    return _KIND_SCHEMAS[kind]


def known_kinds() -> list[str]:
    return sorted(p.name[:-len(".schema.json")] for p in (_SCHEMAS / "rules").iterdir()
                  if p.name.endswith(".schema.json"))


def default_rules_dir():
    """The default packs: the package's auditor.default_rules (top-level rules/ in a checkout)."""
    return resources.files("auditor.default_rules")


def _walk_yaml(root) -> Iterator[Any]:
    """YAML files below a folder (Path or importlib Traversable), sorted, recursively."""
    items = sorted(root.iterdir(), key=lambda p: p.name)
    for p in items:
        if p.name.startswith((".", "_")):
            continue
        if p.is_dir():
            yield from _walk_yaml(p)
        elif p.name.endswith((".yaml", ".yml")):
            yield p


def _json_path(path: Iterable[Any]) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def validate_pack(data: Any, where: str, kind_check: bool = True) -> list[str]:
    """Problems in one parsed pack, each naming the file, entry id and JSON path.

    ``kind_check=False`` checks only the common shape: a user pack may hold
    partial entries that override a default (``{id: x, enabled: false}``);
    the kind's own schema is then checked on the merged pack.
    """
    global _BASE_SCHEMA
    if _BASE_SCHEMA is None:
        _BASE_SCHEMA = _schema("rulepack.schema.json")
    problems: list[str] = []
    if not isinstance(data, dict):
        return [f"{where}: $: a rule pack is a mapping with kind, version and entries"]

    def entry_id(path) -> str:
        path = list(path)
        if len(path) >= 2 and path[0] == "entries" and isinstance(path[1], int):
            entries = data.get("entries") or []
            if path[1] < len(entries) and isinstance(entries[path[1]], dict):
                return f" entry {entries[path[1]].get('id', '#' + str(path[1]))!r}"
            return f" entry #{path[1]}"
        return ""

    schemas = [_BASE_SCHEMA]
    ks = kind_schema(str(data.get("kind"))) if isinstance(data.get("kind"), str) else None
    if ks and kind_check:
        schemas.append(ks)
    seen = set()
    for schema in schemas:
        validator = jsonschema.Draft202012Validator(schema)
        for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
            msg = f"{where}:{entry_id(err.absolute_path)} {_json_path(err.absolute_path)}: {err.message}"
            if msg not in seen:
                seen.add(msg)
                problems.append(msg)
    if problems:
        return problems
    ids: set[str] = set()
    for i, entry in enumerate(data.get("entries") or []):
        eid = entry.get("id")
        if eid in ids:
            problems.append(f"{where}: entry {eid!r} $.entries[{i}].id: duplicate id in one pack")
        ids.add(eid)
        for key in ("pattern", "patterns"):
            pats = entry.get(key)
            if pats is None:
                continue
            for j, pat in enumerate(pats if isinstance(pats, list) else [pats]):
                jp = f"$.entries[{i}].{key}" + (f"[{j}]" if isinstance(pats, list) else "")
                try:
                    compile_pattern(pat, entry.get("flags", ["ignorecase"]))
                except (regex.error, KeyError) as e:
                    problems.append(f"{where}: entry {eid!r} {jp}: invalid regular expression: {e}")
    return problems


def read_pack_file(path) -> tuple[dict | None, list[str]]:
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return None, [f"{where}: cannot read: {e}"]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        loc = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        return None, [f"{where}{loc}: invalid YAML: {getattr(e, 'problem', None) or e}"]
    problems = validate_pack(data, where, kind_check=False)
    return (data if not problems else None), problems


def load_dir(root) -> tuple[list[tuple[str, dict]], list[str]]:
    """Parsed, valid packs of one folder and the problems found."""
    packs: list[tuple[str, dict]] = []
    problems: list[str] = []
    if isinstance(root, (str, os.PathLike)):
        root = Path(root)
        if not root.is_dir():
            return [], [f"{root}: not a folder of rule packs"]
    for f in _walk_yaml(root):
        data, probs = read_pack_file(f)
        problems.extend(probs)
        if data is not None:
            packs.append((str(f), data))
    return packs, problems


def merge(packs: Iterable[tuple[str, dict]], into: dict[str, Pack] | None = None) -> dict[str, Pack]:
    out = into if into is not None else {}
    for where, data in packs:
        kind = data["kind"]
        pack = out.setdefault(kind, Pack(kind, data.get("version", 1)))
        pack.version = max(pack.version, data.get("version", 1))
        pack.sources.append(where)
        deep_update(pack.settings, data.get("settings") or {})
        _note_sources(pack.setting_sources, data.get("settings") or {}, where)
        for i, entry in enumerate(data.get("entries") or []):
            eid = entry["id"]
            merged = dict(pack.entries.get(eid, {}))
            merged.update(entry)
            merged["_source"], merged["_index"] = where, i
            pack.entries[eid] = merged
    return out


def _note_sources(out: dict[tuple, str], settings: dict, where: str, path: tuple = ()) -> None:
    for k, v in settings.items():
        out[path + (k,)] = where
        if isinstance(v, dict):
            _note_sources(out, v, where, path + (k,))


def _setting_source(pack: Pack, path: list) -> str:
    """The file that gave the setting at ``path`` (["settings", key, ...]), else every file."""
    keys = tuple(path[1:])
    for n in range(len(keys), 0, -1):
        if keys[:n] in pack.setting_sources:
            return pack.setting_sources[keys[:n]]
    return ", ".join(pack.sources)


def validate_merged(packs: dict[str, Pack]) -> list[str]:
    """Check each merged pack against its kind's schema, naming the file of each entry."""
    problems: list[str] = []
    for kind, pack in sorted(packs.items()):
        ks = kind_schema(kind)
        if not ks:
            continue
        entries = list(pack.entries.values())
        data = {"kind": kind, "version": pack.version, "settings": pack.settings,
                "entries": [{k: v for k, v in e.items() if not k.startswith("_")} for e in entries]}
        validator = jsonschema.Draft202012Validator(ks)
        for err in validator.iter_errors(data):
            path = list(err.absolute_path)
            if len(path) >= 2 and path[0] == "entries" and isinstance(path[1], int):
                e = entries[path[1]]
                where = f"{e['_source']}: entry {e['id']!r} " + _json_path(
                    ["entries", e["_index"], *path[2:]])
            elif path[:1] == ["settings"] and len(path) > 1:
                where = f"{_setting_source(pack, path)}: {_json_path(path)}"
            else:
                where = f"{', '.join(pack.sources)}: {_json_path(path)}"
            problems.append(f"{where}: {err.message}")
    return problems


def deep_update(base: dict, new: dict) -> None:
    """Merge ``new`` into ``base`` in place, mappings key by key, anything else replaced."""
    for k, v in new.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            deep_update(base[k], v)
        else:
            base[k] = v


def load_ruleset(user_dirs: Iterable[str] = (), include_defaults: bool = True) -> RuleSet:
    """Defaults, then each user folder over them. Raises RulePackError listing every problem."""
    problems: list[str] = []
    packs: dict[str, Pack] = {}
    sources: list[str] = []
    layers = ([default_rules_dir()] if include_defaults else []) + [Path(d) for d in user_dirs]
    for layer in layers:
        found, probs = load_dir(layer)
        problems.extend(probs)
        merge(found, packs)
        sources.append(str(layer))
    problems.extend(validate_merged(packs))
    if problems:
        raise RulePackError(problems)
    return RuleSet(packs=packs, sources=sources)
