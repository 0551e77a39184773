"""Importers that turn public datasets into ``kb-people`` packs.

* :func:`import_us_executive`: US presidents and vice presidents from
  ``executive.yaml`` of github.com/unitedstates/congress-legislators (CC0).
  The ``end`` of a current term there is the *scheduled* end of the term; it is
  written as ``scheduled_end``, never as an observed ``end``.
* :func:`import_ifg_ministers`: UK ministers from the Institute for Government
  Ministers Database (CSV folder with person.csv, post.csv, appointment.csv,
  appointment_characteristics.csv; CC BY 4.0, credited in the pack).

Which posts are imported, and into which ``kb-positions`` id, is data too: a
position's ``imports`` lists the source's names for it
(``{us-executive: [prez]}``, ``{ifg: ["Prime Minister"]}``). Output is
deterministic (sorted) YAML, so re-running an import gives a clean diff.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable

import yaml

from ..rules import RuleSet, compile_pattern
from ..rules.phrases import alternation


def slug(name: str) -> str:
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def _import_map(ruleset: RuleSet, source: str) -> dict[str, str]:
    """The source's post name -> kb-positions id, from the positions' ``imports``."""
    out = {}
    for e in ruleset.entries("kb-positions"):
        for name in (e.get("imports") or {}).get(source, []):
            out[name] = e["id"]
    return out


def _dump(pack: dict, out: str | Path, header: str) -> None:
    text = yaml.safe_dump(pack, sort_keys=False, allow_unicode=True, width=110)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(header + text, encoding="utf-8")


def _election_day(year: int) -> dt.date:
    """US general election: the Tuesday after the first Monday of November."""
    d = dt.date(year, 11, 1)
    while d.weekday() != 0:
        d += dt.timedelta(days=1)
    return d + dt.timedelta(days=1)


def _short_ok(people: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in people:
        for f in p.get("family", []):
            counts[f] = counts.get(f, 0) + 1
    return counts


def import_us_executive(src: str | Path, out: str | Path, ruleset: RuleSet, *,
                        retrieved: str, source: str, short_since: str = "1977-01-01") -> dict:
    data = yaml.safe_load(Path(src).read_text(encoding="utf-8"))
    mapping = _import_map(ruleset, "us-executive")
    today = dt.date.fromisoformat(retrieved)
    entries = []
    for rec in data:
        name = rec["name"]
        first, last = name.get("first", ""), name["last"]
        nick = name.get("nickname")
        given = [nick or first]
        if nick and "." in nick:
            given.append(nick.replace(".", ""))           # a spelling of the same name (J.D., JD)
        forms = []                                       # the formal name beside the one in use
        for g in (first, (first.split() or [""])[0]):
            if g and g not in given and g not in forms:
                forms.append(g)
        full = name.get("official_full") or f"{given[0]} {last}"
        tenures: list[dict] = []
        for term in sorted(rec.get("terms", []), key=lambda t: t["start"]):
            pos = mapping.get(term["type"])
            if not pos:
                continue
            start, end = str(term["start"]), str(term["end"])
            prev = tenures[-1] if tenures else None
            if prev and prev["position"] == pos and prev.get("_end") == start:
                prev["_end"] = end                       # a second consecutive term
                continue
            t: dict[str, Any] = {"position": pos, "start": start, "_end": end}
            if term.get("how") == "election":
                sd = dt.date.fromisoformat(start)
                if sd.month == 1 and sd.year >= 1937:
                    t["elected"] = _election_day(sd.year - 1).isoformat()
            if term.get("how") in ("succession", "appointment"):
                t["note"] = f"took office by {term['how']}"
            tenures.append(t)
        if not tenures:
            continue
        for t in tenures:
            end = t.pop("_end")
            if dt.date.fromisoformat(end) > today:
                t["scheduled_end"] = end                 # a scheduled end is not an observed end
            else:
                t["end"] = end
        ids = rec.get("id") or {}
        ref = f"bioguide {ids['bioguide']}" if ids.get("bioguide") else f"govtrack {ids.get('govtrack', '?')}"
        entries.append({"id": slug(full), "name": full, "given": given,
                        **({"given_forms": forms} if forms else {}), "family": [last],
                        "_long": " ".join(x for x in (first, name.get("middle"), last) if x),
                        "source": f"{source} ({ref})",
                        "retrieved": retrieved, "tenures": tenures,
                        "_last": max(t["start"] for t in tenures)})
    seen: dict[str, int] = {}
    for e in entries:
        seen[e["id"]] = seen.get(e["id"], 0) + 1
    for e in entries:
        long = e.pop("_long")
        if seen[e["id"]] > 1:                 # John Adams / John Quincy Adams
            e["id"], e["name"] = slug(long), long
    counts = _short_ok(entries)
    for e in entries:
        last = e.pop("_last")
        if counts[e["family"][0]] == 1 and last >= short_since:
            e["short"] = True
    entries.sort(key=lambda e: (e["tenures"][0]["start"], e["id"]))
    pack = {"kind": "kb-people", "version": 1,
            "description": "US presidents and vice presidents, imported by `auditor kb import-us-executive`.",
            "source": source, "license": "CC0-1.0", "retrieved": retrieved,
            "credit": "unitedstates/congress-legislators (CC0 1.0 public domain dedication)",
            "entries": entries}
    _dump(pack, out, "# Generated by `auditor kb import-us-executive`; edit the source or the importer, "
                     "not this file.\n")
    return pack


def _csv(folder: Path, name: str) -> list[dict]:
    with open(folder / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def import_ifg_ministers(src: str | Path, out: str | Path, ruleset: RuleSet, *,
                         retrieved: str, source: str) -> dict:
    folder = Path(src)
    if (folder / "data").is_dir():
        folder = folder / "data"
    mapping = _import_map(ruleset, "ifg")
    posts = {r["id"]: r for r in _csv(folder, "post.csv")}
    wanted = {pid: mapping[r["name"]] for pid, r in posts.items() if r["name"] in mapping}
    names: dict[str, list[dict]] = {}
    for r in _csv(folder, "person.csv"):
        names.setdefault(r["id"], []).append(r)
    acting: dict[str, bool] = {}
    char_path = folder / "appointment_characteristics.csv"
    if char_path.exists():
        for r in _csv(folder, "appointment_characteristics.csv"):
            if r.get("is_acting") == "True":
                acting[r["appointment_id"]] = True
    by_person: dict[str, list[dict]] = {}
    for a in _csv(folder, "appointment.csv"):
        pos = wanted.get(a["post_id"])
        if not pos:
            continue
        t: dict[str, Any] = {"position": pos, "start": a["start_date"]}
        if a.get("end_date"):
            t["end"] = a["end_date"]
        if acting.get(a["id"]):
            t["acting"] = True
        by_person.setdefault(a["person_id"], []).append(t)
    peer = compile_pattern(alternation(ruleset.setting("kb-words", "peerage_titles")) + " ")
    entries = []
    for pid, tenures in by_person.items():
        rows = names.get(pid) or []
        if not rows:
            continue
        # the name without a peerage, else the first row
        plain = [r for r in rows if not peer.match(r["name"])]
        main = (plain or rows)[0]
        full = main["name"]
        parts = full.split()
        family = main.get("short_name") or parts[-1]
        given = [" ".join(parts[:-len(family.split())])] if len(parts) > len(family.split()) else []
        aliases = sorted({r["name"] for r in rows if r["name"] != full})
        tenures.sort(key=lambda t: (t["start"], t["position"]))
        # merge back-to-back appointments to one post (reshuffles, re-appointments)
        merged: list[dict] = []
        for t in tenures:
            if merged and merged[-1]["position"] == t["position"] and merged[-1].get("end") == t["start"] \
                    and merged[-1].get("acting") == t.get("acting"):
                merged[-1].pop("end", None)
                if "end" in t:
                    merged[-1]["end"] = t["end"]
                continue
            merged.append(dict(t))
        e = {"id": f"gb-{slug(full)}", "name": full, "given": [g for g in given if g],
             "family": [family], "source": f"{source} (person {pid})", "retrieved": retrieved,
             "tenures": merged}
        if aliases:
            e["aliases"] = aliases
        entries.append(e)
    counts = _short_ok(entries)
    for e in entries:
        recent = max(t["start"] for t in e["tenures"]) >= "1990-01-01"
        if counts[e["family"][0]] == 1 and recent and any(
                t["position"] in ("gb-prime-minister",) for t in e["tenures"]):
            e["short"] = True
        if not e["given"]:
            e.pop("given")
    entries.sort(key=lambda e: (e["tenures"][0]["start"], e["id"]))
    pack = {"kind": "kb-people", "version": 1,
            "description": "UK ministers in selected posts since 1979, imported by `auditor kb import-ifg`.",
            "source": source, "license": "CC-BY-4.0", "retrieved": retrieved,
            "credit": "Contains data from the Institute for Government Ministers Database "
                      "(https://www.instituteforgovernment.org.uk/ministers-database), CC BY 4.0.",
            "entries": entries}
    _dump(pack, out, "# Generated by `auditor kb import-ifg`; edit the source or the importer, not this file.\n"
                     "# Contains data from the Institute for Government Ministers Database, CC BY 4.0.\n")
    return pack
