"""Linking attributions into chains, article outward: hops, pronouns, frames."""
from __future__ import annotations

import re
from typing import Any

from .statement import Attr
from .rules import Rules, label_stem
from .sources import classify

# -- linking: parents, pronouns, frames -------------------------------------------------------
_NAME_RUN = re.compile(r"(?:[A-Z][\w'.-]+\s){1,3}[A-Z][\w'-]+")


def _mention_before(R: Rules, a: Attr, paras_text: dict[int, tuple[str, int]]) -> str | None:
    """An unresolved "he said": the last person named earlier in the paragraph."""
    text, start = paras_text.get(a.para, ("", 0))
    upto = a.source[0] - start
    sent_start = max(0, a.sentence[0] - start)
    best = None
    for m in _NAME_RUN.finditer(text, 0, max(0, upto)):
        c = classify(R, text, m.start(), m.end())
        if c and c["kind"] == "person" and not c.get("unnamed") and " " in (c.get("name") or ""):
            if m.start() >= sent_start:
                return c["name"]      # the first person named in the pronoun's sentence
            best = c["name"]
    return best


def _own_outlet(R: Rules, name: str | None, outlet: str | None) -> bool:
    """Whether an outlet named in the text is the article's own ("told CNN" in "CNN (Web
    News)", "Christian Broadcasting Network" in "CBN", "Fox & Friends" in "Fox Online News":
    a program of its own network): no relay then."""
    if not name or not outlet:
        return False
    a, b = name.casefold().removeprefix("the "), outlet.casefold().removeprefix("the ")
    b = b.split(" (")[0].split(" - ")[0]
    if a == b or b.startswith(a + " ") or a.startswith(b + " ") or a.startswith(b + "'"):
        return True
    sa, sb = label_stem(name, R.outlet_label_words), label_stem(outlet, R.outlet_label_words)
    if sa and sa == sb:
        return True             # "Fox News" in "Fox Online News", "NPR" in "NPR Online News"
    ea = R.outlet_by_alias.get(name) or R.outlet_by_alias.get(name.removeprefix("the ")) or \
        R.outlet_by_stem.get(sa) or {}
    eb = R.outlet_by_alias.get(outlet) or R.outlet_by_stem.get(sb) or {}
    if ea and eb and ({ea.get("id"), ea.get("network")} & {eb.get("id"), eb.get("network")}
                      - {None}):
        return True             # the same outlet, or a program and its network
    alias_b = {x.casefold() for x in [eb.get("name", "")] + list(eb.get("aliases", []))}
    return bool(alias_b & {a, name.casefold()})


def link(attrs: list[Attr], R: Rules, paras_text: dict[int, tuple[str, int]] | None = None,
         own_outlet: str | None = None, t: str | None = None) -> None:
    paras_text = paras_text or {}
    lookback = int(R.settings.get("pronoun_lookback_paragraphs", 2))
    body = [a for a in attrs if not a.headline]
    # venues that are outlets: "X told OUTLET", "X said on OUTLET" -> article -> OUTLET -> X
    for a in body:
        if a.venue_of is not None and (a.kind == "outlet" or a.extra.get("interviewer")) and \
                a.venue_of.parent is None and \
                not _own_outlet(R, a.name, own_outlet):
            _set_parent(a.venue_of, a)
    for a in body:
        v = a.venue
        if v and v.get("kind") == "outlet" and a.parent is None and a.venue_of is None and \
                not any(b.venue_of is a for b in body) and not _own_outlet(R, v.get("name"),
                                                                             own_outlet):
            hop = Attr(a.id + "v", a.cue, {"id": "venue"}, (v["start"], v["end"]), "outlet",
                       v.get("name"), sentence=a.sentence, para=a.para, line=a.line)
            hop.venue_of = a
            attrs.append(hop)
            _set_parent(a, hop)
    # explicit hops within a sentence
    for i, a in enumerate(body):
        hop = a.cue_entry.get("hop")
        if not hop:
            continue
        prev = [b for b in body[:i] if b.sentence == a.sentence and b.venue_of is None
                and b.cue[0] < a.cue[0]]
        if not prev and hop == "inner":
            # "Smith, citing two aides, said", "Citing two aides, Smith said": the statement
            # whose speaker stands before the hop, or the next one when the hop opens it
            opens = t is not None and not t[a.sentence[0]:a.cue[0]].strip(" \"'")
            prev = [b for b in body if b.sentence == a.sentence and b.venue_of is None and
                    b is not a and not b.cue_entry.get("hop") and b.cue[0] > a.cue[0] and
                    (b.source[1] <= a.cue[0] or opens)][:1]
        if not prev:
            continue
        if hop == "inner":
            _set_parent(a, prev[-1])
        elif hop == "outer":
            p = prev[-1]
            if p.parent is None:
                _set_parent(p, a)
    # a participle or a coordinated verb shares its clause's speaker, and so its hop: "Trump
    # told CNN Monday, calling Bush ..." is said on CNN too
    for i, a in enumerate(body):
        if a.parent is None and a.venue_of is None:
            b = next((b for b in body[:i] if b.sentence == a.sentence and b.source == a.source
                      and b.parent is not None and b.venue_of is None), None)
            if b is not None:
                _set_parent(a, b.parent)
    # pronouns and back-references
    frame: Attr | None = None
    article_frame = next((a for a in attrs if a.scope_article and a.kind == "outlet"), None)
    for i, a in enumerate(body):
        if a.kind == "pronoun":
            fits = set(a.extra.get("fits") or [])
            for b in reversed(body[:i]):
                if a.para - b.para > lookback:
                    break
                if b is a or b.venue_of is not None or b.kind == "reference":
                    continue
                k = b.eff_kind
                if k in fits and b.effective.kind != "pronoun":
                    a.resolved = b
                    break
            if a.resolved is not None:
                a.name = a.resolved.eff_name
            elif "person" in fits:
                a.name = _mention_before(R, a, paras_text)
        elif a.extra.get("descriptor") == "definite":
            # "the juror said", "the billionaire said": someone already introduced
            for b in reversed(body[:i]):
                if a.para - b.para > lookback:
                    break
                if b.venue_of is None and b.eff_kind in ("person", "anonymous") \
                        and b.kind not in ("pronoun", "reference"):
                    a.kind, a.name, a.role = b.eff_kind, b.eff_name, a.role
                    break
        elif a.kind == "reference":
            target = frame or article_frame
            if target is not None:
                a.resolved = target
                a.name = target.name
        if a.kind == "outlet" and a.venue_of is None and not a.cue_entry.get("venue"):
            # the deepest outlet hop of this statement is the frame for what follows
            frame = _deepest(a, body)
        a.extra["frame"] = frame
    # nested statements: "media reports claimed that Budanov had said ..."
    for a in body:
        if a.parent is not None or a.venue_of is not None or a.kind == "reference" \
                or a.cue_entry.get("source") == "after":
            continue            # "according to X" inside a claim is the article's own aside
        for b in body:
            if b is a or b.content is None or b.sentence != a.sentence or b.venue_of is not None:
                continue
            if b.content[0] <= a.cue[0] < b.content[1] and b.parent is not a and \
                    _reports(b, a, t):
                _set_parent(a, _deepest(b, body) if b.kind == "outlet" else b)
                break
    # same-sentence relay: "Budanov said ..., reports A with reference to B"
    for a in body:
        if a.parent is not None or a.venue_of is not None or a.kind in ("outlet", "reference"):
            continue
        rel = [b for b in body if b.sentence == a.sentence and b.kind == "outlet"
               and b.venue_of is None and not b.cue_entry.get("venue") and b.parent is None
               and b is not a and b.cue[0] > a.cue[0]]
        if rel:
            _set_parent(a, _deepest(rel[0], body))
    # anonymous sources hang from the outlet being relayed
    for a in body:
        if a.parent is not None or a.eff_kind != "anonymous" or a.venue_of is not None:
            continue
        if a.resolved is not None:
            continue
        if a.outlet_qualifier:
            q = next((b for b in body if b.kind == "outlet" and b.name == a.outlet_qualifier),
                     None)
            if q is not None:
                _set_parent(a, q)
                continue
        f = a.extra.get("frame") or article_frame
        if f is not None and f is not a:
            _set_parent(a, f)


_COORDINATION = re.compile(r"[;:]|,\s*(?:and|but|while|whereas|or|as)\b|\.\s|\s-\s|--")


def _same_source(a: Attr, b: Attr) -> bool:
    if a.effective is b.effective:
        return True
    na, nb = (a.eff_name or "").casefold(), (b.eff_name or "").casefold()
    return bool(na) and (na == nb or na.split()[-1] == nb.split()[-1] if nb else False)


def _reports(b: Attr, a: Attr, t: str | None) -> bool:
    """Whether statement ``a`` is reported inside ``b``'s words ("Clinton said Trump told
    her"), not a second statement beside it ("X said ..., and Y said"), nor the same speaker
    going on ("he said ... and added")."""
    if _same_source(a, b) or (a.kind == "pronoun" and a.resolved is None) or \
            a.extra.get("fallback") or b.extra.get("fallback"):
        return False            # a speaker read by the last resort makes no hop
    if t is None:
        return True
    if a.standalone or b.standalone:
        return False            # "reportedly" inside someone's words is no hop of theirs
    if b.kind != "outlet" and a.kind in ("vague", "document"):
        return False            # "Cruz said the media say", "she said a study found": her claim
    if a.source[0] >= b.cue[1]:
        # "according to the Times, Smith said": from the end of b's source when it follows b's cue
        start = max(b.cue[1], b.source[1]) if b.source[0] >= b.cue[1] else b.cue[1]
        gap = t[start:min(a.source[0], a.cue[0])]
        if start == b.source[1]:
            gap = gap.lstrip(" ,")
        if "," in gap:
            return False        # "X told the Herald she believes ..., and Y said": beside it
    elif a.cue[1] <= min(b.cue[0], b.source[0]):
        # '"Trump told me ...," Clinton said': only when b closes the sentence after a comma
        # or a quote, not '"Cruz predicted that "the media" would say'
        gap = t[a.cue[1]:min(b.cue[0], b.source[0])].rstrip()
        if not gap.endswith((",", ',"', ",'", '?"', '!"', "?'", "!'")):
            return False
        gap = gap.rstrip("\"'").rstrip(",?!")
    else:
        return False
    if a.extra.get("relative"):
        return False            # "X admits that a man who says ...": a description, not a report
    if not _THAT.search(gap) and _PREPOSITION.search(gap):
        return False            # "responded to the Clinton campaign calling ...": its topic
    return _COORDINATION.search(gap) is None


_THAT = re.compile(r"\bthat\b", re.I)
_PREPOSITION = re.compile(r"\b(?:to|for|about|over|against|at|with|of)\b", re.I)


def _set_parent(a: Attr, p: "Attr | None") -> None:
    """Link ``a`` below ``p`` unless that would make a loop."""
    seen, x = 0, p
    while x is not None and seen < 20:
        if x is a:
            return
        x, seen = x.parent, seen + 1
    a.parent = p


def _deepest(a: Attr, body: list[Attr]) -> Attr:
    """The innermost outlet hop below ``a`` ("A with reference to B" -> B)."""
    seen = 0
    while seen < 8:
        nxt = next((b for b in body if b.parent is a and b.kind == "outlet"), None)
        if nxt is None:
            return a
        a, seen = nxt, seen + 1
    return a


def _path(a: Attr, depth: int = 0) -> list[Attr]:
    if depth > 8:
        return [a]
    e = a.effective if a.kind in ("pronoun", "reference") else a
    base = e if e is not a else a
    parent = base.parent if base.parent is not None else a.parent
    if parent is None or parent is a:
        return [base]
    return _path(parent, depth + 1) + [base]


_FULL_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s[A-Z]\.)?\s([A-Z][\w'-]+)\b")


def _canonical_names(attrs: list[Attr], t: str | None = None) -> None:
    """"Budanov" after "Kyrylo Budanov": the same person, named in full. A one-word name taken
    for an outlet only by its cue ("Costa wrote") is a person when the text names someone so
    ("Robert Costa")."""
    full: dict[str, str] = {}
    for a in attrs:
        if a.kind == "person" and a.name and " " in a.name:
            full.setdefault(a.name.split()[-1].casefold(), a.name)
    if t is not None and any(a.extra.get("guess") for a in attrs):
        for m in _FULL_NAME.finditer(t):
            full.setdefault(m.group(1).casefold(), m.group(0))
    for a in attrs:
        if a.kind == "outlet" and a.extra.get("guess") and a.name and \
                a.name.casefold() in full:
            a.kind = "person"
    for a in attrs:
        if a.kind in ("person", "pronoun") and a.name and " " not in a.name:
            a.name = full.get(a.name.casefold(), a.name)


def _original_spelling(attrs: list[Attr], t: str, original: str) -> None:
    """Names and roles were read on the straightened copy; give them the original's quotes."""
    if t == original:
        return
    for a in attrs:
        for key in ("name", "role"):
            v = getattr(a, key)
            if not v:
                continue
            i = t.find(v, max(0, a.source[0] - 300), a.source[1] + 300)
            if i < 0:
                i = t.find(v)
            if i >= 0:
                setattr(a, key, original[i:i + len(v)])


def build_chains(attrs: list[Attr]) -> list[dict[str, Any]]:
    chains: dict[tuple, dict] = {}
    order: list[tuple] = []
    for a in attrs:
        if a.headline or a.venue_of is not None:
            continue
        path = []
        for n in _path(a):
            # "Politico, citing Politico's correspondents": one outlet, not two hops
            if path and (n.eff_name or "").casefold() == (path[-1].eff_name or "").casefold() \
                    and n.eff_kind == path[-1].eff_kind:
                continue
            path.append(n)
        key = []
        for i, n in enumerate(path):
            last = i == len(path) - 1
            kind = n.kind
            if kind == "anonymous" and last:
                key.append(("anonymous",))
            else:
                key.append((kind, (n.name or "").casefold()))
        key_t = tuple(key)
        ch = chains.get(key_t)
        if ch is None:
            ch = chains[key_t] = {"path": path, "attributions": []}
            order.append(key_t)
        elif path[-1].kind == "anonymous" and path[-1].cue_entry.get("hop") and \
                not ch["path"][-1].cue_entry.get("hop"):
            ch["path"] = path          # name the chain after the source the outlet cites
        if a.id not in ch["attributions"]:
            ch["attributions"].append(a.id)
        for n in path:
            if n.id not in ch["attributions"]:
                ch["attributions"].append(n.id)
    # a chain that is the start of a longer one merges into it
    keys = list(order)
    for k in keys:
        longer = next((o for o in order if o != k and len(o) > len(k) and o[:len(k)] == k), None)
        if longer is not None:
            for aid in chains[k]["attributions"]:
                if aid not in chains[longer]["attributions"]:
                    chains[longer]["attributions"].append(aid)
            order.remove(k)
    by_id = {a.id: a for a in attrs}
    out = []
    for k in order:
        ch = chains[k]
        nodes = []
        for n in ch["path"]:
            kind = n.eff_kind
            if kind == "pronoun" and n.name:
                kind = "person"       # "he said", resolved to a person named before
            elif kind == "reference":
                kind = "vague"        # "the cited source" with no outlet to point back to
            node = {"name": n.eff_name or n.name or n.extra.get("text", ""), "kind": kind,
                    "attribution": n.id}
            if n.role:
                node["role"] = n.role
            venues = []
            for aid in ch["attributions"]:
                b = by_id[aid]
                if b.venue and (b.eff_name or "").casefold() == (node["name"] or "").casefold():
                    v = b.venue.get("name") or b.venue.get("text")
                    if v not in venues:
                        venues.append(v)
            if venues:
                node["venues"] = venues
            nodes.append(node)
        out.append({"nodes": nodes, "depth": len(nodes), "terminal_kind": nodes[-1]["kind"],
                    "attributions": sorted(ch["attributions"], key=lambda x: int(x[1:]))})
    return out


def to_record(a: Attr, t: str) -> dict[str, Any]:
    kind = a.kind
    if kind == "reference":
        kind = "outlet" if a.resolved is not None else "vague"
    src = {"text": t[a.source[0]:a.source[1]], "start": a.source[0], "end": a.source[1],
           "kind": kind, "name": a.eff_name if a.kind in ("pronoun", "reference") else a.name}
    if a.role:
        src["role"] = a.role
    if a.resolved is not None:
        src["resolved_to"] = a.resolved.id
        src["resolved_kind"] = a.eff_kind
    if a.outlet_qualifier:
        src["outlet"] = a.outlet_qualifier
    rec = {"id": a.id, "cue": {"text": t[a.cue[0]:a.cue[1]], "start": a.cue[0], "end": a.cue[1]},
           "source": src,
           "content": {"start": a.content[0], "end": a.content[1]} if a.content else None,
           "line": a.line}
    if a.parent is not None:
        rec["via"] = a.parent.id
    if a.venue is not None:
        rec["venue"] = a.venue
    if a.venue_of is not None:
        rec["venue_of"] = a.venue_of.id
    if a.headline:
        rec["headline"] = True
    return rec


