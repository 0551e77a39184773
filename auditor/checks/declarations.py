"""One declaration per rule id (as ruff declares each rule).

A check module declares the rule ids it emits next to the check, at module level::

    HEADLINE = Rule("duplicate.headline", "warning", help="...", explain="...")
    RULES = declare(FAMILY, HEADLINE, LINE)

and emits findings with ``HEADLINE.id``. A ``Family`` gives the text for rule ids that a
rule pack makes up at run time (a user's boilerplate category ``boilerplate.<category>``).
Everything that describes rules reads these declarations: SARIF rule metadata, the HTML
report's families and help, ``auditor rules list`` / ``auditor rules explain`` and the rule
reference page of the documentation (tools/gen_rule_docs.py).

A declaration's ``severity`` is the default: where a rule pack gives an entry its own
severity, the pack wins (and the default packs agree with the declarations; a test checks).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Family:
    """A family of rule ids (the part before the dot)."""

    name: str
    help: str                 # one line
    explain: str              # what it means and what to do
    order: int = 99           # place in the HTML report's legend and tables
    colour: bool = False      # the HTML report has a colour of its own for it (else a shared one)


@dataclass(frozen=True)
class Rule:
    """One rule id a check can emit."""

    id: str                   # family.name
    severity: str             # default severity (a rule pack entry may set another)
    help: str                 # one line
    explain: str              # a longer explanation: what it means and what to do
    name: str = ""            # CamelCase name for code-scanning tools (SARIF); derived if empty

    def __post_init__(self) -> None:
        if "." not in self.id:
            raise ValueError(f"rule id {self.id!r} is not family.name")
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.id}: severity {self.severity!r} not in {SEVERITIES}")
        if not self.name:
            object.__setattr__(self, "name", camel(self.id))

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]


def camel(rule_id: str) -> str:
    return "".join(p.capitalize() for p in rule_id.replace("-", ".").split("."))


_RULES: dict[str, Rule] = {}
_FAMILIES: dict[str, Family] = {}


def declare(*items: Rule | Family) -> tuple[Rule, ...]:
    """Register rule and family declarations; returns the rules (a module's ``RULES``)."""
    for it in items:
        table = _RULES if isinstance(it, Rule) else _FAMILIES
        key = it.id if isinstance(it, Rule) else it.name
        old = table.get(key)
        if old is not None and old != it:
            raise ValueError(f"{key!r} is declared twice, differently")
        table[key] = it
    return tuple(it for it in items if isinstance(it, Rule))


def load() -> None:
    """Import every module that declares rules: the check families (suppression's among them)."""
    from . import load_all
    load_all()


def get(rule_id: str) -> Rule | None:
    """The declaration of ``rule_id`` (None when no check declares it)."""
    return _RULES.get(rule_id)


def rules() -> list[Rule]:
    """Every declared rule, by family order then id."""
    load()
    return sorted(_RULES.values(), key=lambda r: (family_order(r.family), r.id))


def families() -> list[Family]:
    load()
    return sorted(_FAMILIES.values(), key=lambda f: (f.order, f.name))


def family(name: str) -> Family | None:
    return _FAMILIES.get(name)


def family_order(name: str) -> int:
    f = _FAMILIES.get(name)
    return f.order if f else 99


def coloured_families() -> tuple[str, ...]:
    """The families the HTML report draws in colours of their own, in legend order."""
    return tuple(f.name for f in families() if f.colour)


def describe(rule_id: str) -> dict[str, str]:
    """name, short (one line), help (the explanation), family and severity of a rule id; a rule
    id nobody declares (a user pack's own category) is described by its family."""
    r = _RULES.get(rule_id)
    fam_name = rule_id.split(".", 1)[0]
    if r is not None:
        return {"name": r.name, "short": r.help, "help": r.explain, "family": fam_name,
                "severity": r.severity}
    fam = _FAMILIES.get(fam_name)
    short = fam.help if fam else f"Finding of the {fam_name} checks."
    return {"name": camel(rule_id), "short": short, "help": fam.explain if fam else short,
            "family": fam_name, "severity": ""}


def close_matches(rule_id: str, n: int = 3) -> list[str]:
    """Declared rule ids that look like ``rule_id`` (for an error message)."""
    load()
    ids = sorted(_RULES)
    got = difflib.get_close_matches(rule_id, ids, n=n, cutoff=0.7)
    if not got and rule_id:
        tail = rule_id.split(".")[-1]
        got = [i for i in ids if i.startswith(rule_id) or i.split(".", 1)[-1] == tail][:n]
    return got
