"""Configuration: ``[tool.auditor]`` in pyproject.toml, or an auditor.toml.

The file is looked for from the working directory upward: in each folder an
``auditor.toml`` wins over a ``pyproject.toml``, and a pyproject.toml without a
``[tool.auditor]`` table is passed over. ``--config FILE`` names one
explicitly. Values given on the command line override the file; the file
overrides the defaults. Every effective value remembers where it came from
(``auditor config`` prints them).

Paths in the file (rules, archive, baseline, output-file, reports) are
relative to the folder of the file.
"""
from __future__ import annotations

import copy
import json
import os
import sys
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Mapping

import jsonschema

from ..ingest import DEFAULT_MAX_BYTES
from ..rules import deep_update, validate_merged

if sys.version_info >= (3, 11):
    import tomllib
else:                                   # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULTS: dict[str, Any] = {
    "rules": [],
    "disable": [],
    "enable": [],
    "severity": {},
    "thresholds": {},
    "include": [],
    "exclude": [],
    "archive": None,
    "fail_on": "error",
    "min_severity": "info",
    "format": "text",
    "output_file": None,
    "reports": {},
    "baseline": None,
    "allow_unreadable": False,
    "jobs": os.cpu_count() or 1,
    "max_bytes": DEFAULT_MAX_BYTES,
}
PATH_KEYS = ("archive", "baseline", "output_file")
PATH_LIST_KEYS = ("rules",)
DEFAULT_SOURCE = "default"
CLI_SOURCE = "command line"


class ConfigError(Exception):
    """The configuration file cannot be read or holds invalid values (exit code 2)."""


@dataclass
class Config:
    values: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(DEFAULTS))
    sources: dict[str, str] = field(default_factory=lambda: {k: DEFAULT_SOURCE for k in DEFAULTS})
    file: str | None = None             # the configuration file read, if any

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def override(self, given: Mapping[str, Any], source: str = CLI_SOURCE) -> "Config":
        """Values given on the command line replace those of the file."""
        for k, v in given.items():
            if k not in DEFAULTS:
                raise KeyError(k)
            self.values[k] = v
            self.sources[k] = source
        return self

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file,
                "values": {k: {"value": self.values[k], "source": self.sources[k]} for k in DEFAULTS}}


def _key(k: str) -> str:
    return k.replace("-", "_")


def find_config(start: str | None = None) -> str | None:
    """The nearest auditor.toml, or pyproject.toml with [tool.auditor], from ``start`` upward."""
    folder = os.path.abspath(start or os.getcwd())
    while True:
        cand = os.path.join(folder, "auditor.toml")
        if os.path.isfile(cand):
            return cand
        cand = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(cand) and _has_tool_table(cand):
            return cand
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _has_tool_table(path: str) -> bool:
    try:
        data = _read_toml(path)
    except ConfigError:
        return True          # report the broken file rather than silently passing it over
    return isinstance(data.get("tool"), dict) and "auditor" in data["tool"]


def _read_toml(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None


def table_of(path: str) -> tuple[dict[str, Any], str]:
    """The auditor table of a file, and its name for people."""
    data = _read_toml(path)
    name = os.path.basename(path)
    if name == "pyproject.toml" or ("tool" in data and "auditor" in data.get("tool", {})):
        tool = data.get("tool", {})
        table = tool.get("auditor") if isinstance(tool, dict) else None
        if table is None:
            if name == "pyproject.toml":
                raise ConfigError(f"{path}: has no [tool.auditor] table")
            table = {}
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.auditor] must be a table")
        return table, f"{path} [tool.auditor]"
    return data, path


_SCHEMA: dict | None = None


def validate(table: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Normalise keys (dashes -> underscores) and check the values; raise ConfigError."""
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = json.loads((resources.files("auditor.schemas") / "config.schema.json")
                             .read_text(encoding="utf-8"))
    out: dict[str, Any] = {}
    for k, v in table.items():
        nk = _key(k)
        if nk == "reports" and isinstance(v, list):
            v = _report_list(v, where)
        if nk in out:
            raise ConfigError(f"{where}: {k!r} is given twice (as dashes and underscores)")
        out[nk] = v
    problems = []
    for err in sorted(jsonschema.Draft202012Validator(_SCHEMA).iter_errors(out),
                      key=lambda e: list(map(str, e.absolute_path))):
        path = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        msg = err.message
        if err.validator == "additionalProperties" and not err.absolute_path:
            unknown = sorted(set(out) - set(DEFAULTS))
            msg = (f"unknown key(s) {', '.join(repr(u.replace('_', '-')) for u in unknown)}; known: "
                   f"{', '.join(k.replace('_', '-') for k in DEFAULTS)}")
        problems.append(f"{where}: {path}: {msg}")
    if problems:
        raise ConfigError("\n".join(problems))
    return out


def _report_list(items: list, where: str) -> dict[str, str]:
    out = {}
    for item in items:
        fmt, sep, path = str(item).partition("=")
        if not sep:
            raise ConfigError(f"{where}: reports: {item!r} should be FORMAT=PATH")
        out[fmt.strip()] = path.strip()
    return out


def load_config(explicit: str | None = None, start: str | None = None) -> Config:
    """Defaults, then the configuration file (explicit, or found upward), with sources."""
    cfg = Config()
    path = explicit or find_config(start)
    if path is None:
        return cfg
    if explicit and not os.path.isfile(explicit):
        raise ConfigError(f"{explicit}: configuration file not found")
    table, where = table_of(path)
    values = validate(table, where)
    base = os.path.dirname(os.path.abspath(path))
    for k, v in values.items():
        if k in PATH_KEYS and v:
            v = _rel(base, v)
        elif k in PATH_LIST_KEYS:
            v = [_rel(base, p) for p in v]
        elif k == "reports":
            v = {fmt: _rel(base, p) for fmt, p in v.items()}
        cfg.values[k] = v
        cfg.sources[k] = where
    cfg.file = path
    return cfg


def _rel(base: str, p: str) -> str:
    """A path of the file, relative to the working directory when it lies below it."""
    full = os.path.normpath(os.path.join(base, os.path.expanduser(p)))
    try:
        rel = os.path.relpath(full)
    except ValueError:
        return full
    return full if rel.startswith("..") else rel


# -- applying to a rule set --------------------------------------------------------
def apply_to_ruleset(cfg: Config, ruleset) -> None:
    """Disabled and enabled rules, severity overrides and thresholds; raise ConfigError."""
    disabled = set(ruleset.disabled_rules) | set(cfg["disable"])
    for r in cfg["enable"]:
        disabled.discard(r)          # `headline.*` undoes `headline.*`; an id also beats its family
    ruleset.disabled_rules = disabled
    ruleset.enabled_rules = set(getattr(ruleset, "enabled_rules", set())) | {
        r for r in cfg["enable"] if not r.endswith("*")}
    ruleset.severity_overrides = {**ruleset.severity_overrides, **cfg["severity"]}
    thresholds = cfg["thresholds"]
    if not thresholds:
        return
    unknown = sorted(k for k in thresholds if k not in ruleset.packs)
    if unknown:
        raise ConfigError(f"{cfg.sources['thresholds']}: thresholds: no rule pack of kind "
                          f"{', '.join(map(repr, unknown))} (kinds: {', '.join(sorted(ruleset.packs))})")
    for kind, settings in thresholds.items():
        deep_update(ruleset.packs[kind].settings, copy.deepcopy(settings))
    problems = validate_merged({k: ruleset.packs[k] for k in thresholds})
    if problems:
        raise ConfigError("\n".join(f"{cfg.sources['thresholds']}: thresholds: {p}" for p in problems))


# -- printing ----------------------------------------------------------------------
def render_effective(cfg: Config) -> str:
    """TOML-like lines, each with the place its value came from."""
    lines = [f"# configuration file: {cfg.file or '(none found; defaults)'}"]
    for k in DEFAULTS:
        lines.append(f"{k.replace('_', '-')} = {_toml_value(cfg.values[k])}  # {cfg.sources[k]}")
    return "\n".join(lines) + "\n"


def _toml_value(v: Any) -> str:
    if v is None:
        return '""'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {_toml_value(x)}" for k, x in v.items()) + "}"
    return json.dumps(str(v))
