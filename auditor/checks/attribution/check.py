"""The attribution check: statements, chains and the findings they give."""
from __future__ import annotations

from ...model import Article, Finding
from ...rules import RuleSet, finditer
from .. import REGISTRY, ArticleContext
from ..declarations import Family, Rule, declare
from .chains import _canonical_names, _original_spelling, build_chains, link, to_record
from .cues import _paras, extract
from .regex import TextScan, scan
from .statement import Attr
from .rules import Rules, rules_for
from .sources import _strip, straight

# -- the rule ids the attribution checks emit (attribution_loops.py: circular across the corpus);
# a severity in the pack's settings.severity (by the name after the dot) wins over the default
SECOND_HAND = Rule(
    "attribution.second-hand", "warning", name="SecondHandReporting",
    help='The article relays another outlet that itself relays a third.',
    explain=('The chain of attribution passes through more than one outlet before reaching a '
             'source. Go back to the original source where possible and say so.'))
ANONYMOUS = Rule(
    "attribution.anonymous", "warning", name="AnonymousSources",
    help='Statements rest on unnamed sources.',
    explain=('Several statements depend on sources that are not named. Name them where '
             'possible and explain the anonymity where not.'))
VAGUE = Rule(
    "attribution.vague", "warning", name="VagueAttribution",
    help='A statement is attributed to an unnamed, vague source.',
    explain=('Phrases such as "experts say" or "sources claim" do not tell the reader who said'
             ' it. Name the source, or say why it cannot be named.'))
HEADLINE = Rule(
    "attribution.headline", "warning", name="AttributedHeadline",
    help="The headline attributes the story to someone else's reporting.",
    explain=('The headline says the story comes from another outlet or source, so the article '
             'relays rather than reports. Check the original before publishing.'))
TRANSLATION = Rule(
    "attribution.translation", "info", name="Translation",
    help='The article is a translation.',
    explain=("Quotes in a translated article may not be the speakers' own words. Check "
             'important quotes against the original.'))
CIRCULAR = Rule(
    "attribution.circular", "warning", name="CircularSourcing",
    help='The same source appears twice in an attribution chain.',
    explain=('The chain of who cites whom loops back on itself, so the claim has no '
             'independent confirmation. Find an independent source.'))
UNSOURCED = Rule(
    "attribution.unsourced", "info", name="UnsourcedClaim",
    help='A strong claim is made without any attribution.',
    explain=('A claim that needs a source stands without one in its paragraph. Attribute it or'
             ' soften it.'))
FAMILY = Family(
    "attribution", order=40, colour=True,
    help='Who said it, and how we know.',
    explain=('A claim is attributed vaguely, anonymously or at second hand. Name the source or'
             ' say how the claim was verified.'))
RULES = declare(FAMILY, SECOND_HAND, ANONYMOUS, VAGUE, HEADLINE, TRANSLATION, CIRCULAR, UNSOURCED)


def analyse(article: Article, ruleset: RuleSet) -> tuple[list[Attr], list[dict], list[dict]]:
    R = rules_for(ruleset)
    return _analyse(article, R, straight(article.text))


def _analyse(article: Article, R: Rules, t: str, paras: list | None = None,
             ts: TextScan | None = None) -> tuple[list[Attr], list[dict], list[dict]]:
    paras = _paras(article) if paras is None else paras
    attrs = extract(article, R, t, paras, ts)
    _canonical_names(attrs, t)        # before linking: kinds decide the hops
    link(attrs, R, {i: (t[ln.start:ln.end], ln.start) for i, ln in enumerate(paras)},
         article.outlet, t)
    attrs.sort(key=lambda a: (a.source[0], a.cue[0]))
    for i, a in enumerate(attrs, 1):
        a.id = f"a{i}"
    _canonical_names(attrs)
    _original_spelling(attrs, t, article.text)
    chains = build_chains(attrs)
    # original text for the records: spans are the same, text is the original's
    records = [to_record(a, article.text) for a in attrs]
    return attrs, records, chains


# -- the check ------------------------------------------------------------------------------------
def _sev(R: Rules, rule: Rule) -> str:
    return (R.settings.get("severity") or {}).get(rule.id.split(".", 1)[1], rule.severity)


def _q(s: str, n: int = 60) -> str:
    s = " ".join(s.split())
    return f"'{s[:n - 1]}…'" if len(s) > n else f"'{s}'"


@REGISTRY.article("attribution.statements", order=40)
def attribution(article: Article, ctx: ArticleContext):
    R = rules_for(ctx.ruleset)
    tt = straight(article.text)
    paras = _paras(article)
    ts = TextScan(tt, (article.text, ctx.data))     # shared with extract: one casefold, one word list
    attrs, records, chains = _analyse(article, R, tt, paras, ts)
    ctx.record["attributions"] = records
    ctx.record["chains"] = chains
    ctx.data["attribution"] = {"attrs": attrs, "chains": chains}
    by_id = {a.id: a for a in attrs}
    t = article.text
    out: list[Finding] = []

    # second-hand: another outlet's reporting of a third party's reporting
    for ch in chains:
        outlets = [n for n in ch["nodes"] if n["kind"] == "outlet"]
        if len(outlets) >= 2:
            first = by_id[outlets[0]["attribution"]]
            path = " -> ".join(n["name"] for n in ch["nodes"])
            out.append(Finding.at(
                article, SECOND_HAND.id, _sev(R, SECOND_HAND), first.source[0],
                first.source[1],
                f"Second-hand reporting: the article relays {outlets[0]['name']}, which relays "
                f"{outlets[1]['name']} (chain: article -> {path}).",
                evidence={"chain": ch}))
    # anonymous: per chain ending in unnamed sources
    for ch in chains:
        if ch["terminal_kind"] != "anonymous":
            continue
        ids = [i for i in ch["attributions"] if by_id[i].eff_kind == "anonymous"
               and by_id[i].venue_of is None]
        if not ids:
            continue
        first = by_id[ids[0]]
        descs = []
        for i in ids:
            d = by_id[i].effective
            txt = _q(t[d.source[0]:d.source[1]], 50)
            if txt not in descs:
                descs.append(txt)
        via = [n["name"] for n in ch["nodes"][:-1]]
        out.append(Finding.at(
            article, ANONYMOUS.id, _sev(R, ANONYMOUS), first.source[0],
            first.source[1],
            f"{len(ids)} statement{'s rest' if len(ids) != 1 else ' rests'} on unnamed sources"
            f"{' via ' + ' -> '.join(via) if via else ''}: {', '.join(descs[:6])}"
            f"{' and more' if len(descs) > 6 else ''}.",
            related=[article.span(*by_id[i].source) for i in ids[1:]],
            evidence={"count": len(ids), "descriptions": descs, "attributions": ids,
                      "chain": [n["name"] for n in ch["nodes"]]}))
    # vague
    for a in attrs:
        if a.kind == "vague" and not a.headline:
            out.append(Finding.at(
                article, VAGUE.id, _sev(R, VAGUE), a.source[0], a.source[1],
                f"Vague attribution {_q(t[a.source[0]:a.source[1]])}: the source is not named.",
                evidence={"attribution": a.id, "cue": t[a.cue[0]:a.cue[1]]}))
    # headline
    for a in attrs:
        if a.headline:
            what = (f"an unnamed {_q(t[a.source[0]:a.source[1]])}" if a.kind == "vague"
                    else f"the outlet {a.name}")
            out.append(Finding.at(
                article, HEADLINE.id, _sev(R, HEADLINE), a.cue[0], a.source[1],
                f"The headline attributes the story to {what}: the article relays "
                f"someone else's reporting.",
                evidence={"attribution": a.id, "kind": a.kind, "name": a.name}))
    # translation
    for rx in R.translation:
        for m in scan(R, rx, ts):
            credit = (m.groupdict().get("credit") or "").strip()
            s, e = m.span()
            s, e = _strip(t, s, e)
            out.append(Finding.at(
                article, TRANSLATION.id, _sev(R, TRANSLATION), s, e,
                f"The text is a translation{' credited to ' + credit if credit else ''}; "
                f"quotes may not be the speakers' own words.", evidence={"credit": credit}))
    # circular: an outlet citing itself
    own = (article.outlet or "").casefold()
    for ch in chains:
        onames = [n["name"] for n in ch["nodes"] if n["kind"] == "outlet"]
        names = [x.casefold() for x in onames]
        loop = next((onames[i] for i, x in enumerate(names) if x in names[:i]), None)
        if loop is None and own and own in names[1:]:
            loop = article.outlet
        if loop is not None:
            first = by_id[ch["nodes"][0]["attribution"]]
            out.append(Finding.at(
                article, CIRCULAR.id, _sev(R, CIRCULAR), first.source[0],
                first.source[1],
                f"Circular sourcing: {loop} appears twice in the chain "
                f"{' -> '.join(n['name'] for n in ch['nodes'])}.", evidence={"chain": ch}))
    # unsourced strong claims
    paras_with = {by_id[i].para for i in by_id}
    for ent, rx in R.unsourced:
        pf = R.prefilters.get(rx)
        if pf is not None and not pf.may_match(ts):
            continue            # no paragraph can hold a match
        for pi, ln in enumerate(paras):
            if pi in paras_with or (article.headline and ln.index == article.headline.index):
                continue
            for m in finditer(rx, tt, ln.start, ln.end):
                if '"' in tt[ln.start:m.start()]:
                    continue       # inside a quote: someone's words
                out.append(Finding.at(
                    article, UNSOURCED.id, _sev(R, UNSOURCED), m.start(),
                    m.end(), f"Strong claim {_q(m.group(0))} stated without any attribution "
                    f"in its paragraph.", evidence={"entry": ent["id"]}))
    return out

