"""Across the corpus: one person's conflicting titles in articles of the same dates, and one
name spelled one way here and another way in most other articles."""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left

from ...knowledge.kb import KB, Tenure, get_kb
from ...model import Article, Finding, Severity
from ...rules import required
from .. import REGISTRY, ArticleContext, CorpusContext, CorpusItem, CorpusOutput
from .declared import TITLE_CONFLICT, VARIANT
from .mentions import CURRENT
from .timing import D, GRACE, _incompatible, _sentence, _speaks_of_now, _wrong_throughout
from .titles import _state
from .variants import _group_label, _variant_groups

# -- across the corpus ---------------------------------------------------------------------------
def _fingerprint(article: Article, ctx: ArticleContext) -> dict:
    st = _state(ctx)
    if st is None:
        return {}
    pub = st.published
    lex = st.kb.lexicon
    window = None
    if pub.window:
        window = (pub.window[0].isoformat(), pub.window[1].isoformat())
    mentions = []
    for m in st.mentions:
        if "then" in m.roles:
            continue
        s0, e0 = _sentence(st.tx, m.start)
        if lex.past_ref.search(article.text, s0, e0) or lex.hypothetical.search(article.text, s0, e0):
            continue            # "he is going to become former President Obama": not a claim about now
        s, e = st.tx.orig(m.start, m.end)
        sp = article.span(s, e)
        mentions.append({"person": m.person, "positions": sorted(m.positions), "tense": m.tense,
                         "span": sp.to_dict(), "now": m.tense == CURRENT and _speaks_of_now(st.tx, m, lex)})
    groups = ctx.data.get("consistency_variants") or _variant_groups(st)
    variants = {}
    for key, forms in groups.items():
        variants[key] = {}
        for f, spans in forms.items():
            s, e = st.tx.orig(*spans[0])
            variants[key][f] = {"span": article.span(s, e).to_dict(), "count": len(spans)}
    return {"window": window, "dated": pub.value is not None, "mentions": mentions, "variants": variants}


def _corpus_run(items: list[CorpusItem], cctx: CorpusContext) -> CorpusOutput:
    kb = get_kb(cctx.ruleset)
    out = CorpusOutput()
    _corpus_conflicts(items, kb, out)
    _corpus_variants(items, kb, out)
    return out


def _finding_from_span(rule: str, severity: str, span: dict, message: str, related: list[dict],
                       evidence: dict) -> Finding:
    return Finding(rule, Severity.parse(severity), span["article"], span["line"], span["column"],
                   span["start"], span["end"], span["text"], message, related, evidence)


def _kb_wrong(ts: list[Tenure], m: dict, a: D, b: D) -> bool:
    """The KB says this fingerprinted mention's title is wrong in [a, b]; as in the article
    check, a past holder's old title is only wrong when the sentence speaks of now."""
    if not _wrong_throughout(ts, m["tense"], a, b, set()):
        return False
    no_longer = m["tense"] == CURRENT and all(x.end_hi is not None and x.end_hi < a for x in ts)
    return not no_longer or bool(m.get("now"))


def _corpus_conflicts(items: list[CorpusItem], kb: KB, out: CorpusOutput) -> None:
    by_person: dict[str, list[tuple[D, D, dict]]] = {}
    for it in items:
        fp = it.fingerprint or {}
        w = fp.get("window")
        if not w:
            continue
        a, b = D.fromisoformat(w[0]), D.fromisoformat(w[1])
        if (b - a).days > 7:
            continue                # only articles whose date is known to the week
        for m in fp.get("mentions", []):
            by_person.setdefault(m["person"], []).append((a, b, m))
    done = set()
    reach = dt.timedelta(days=7) + GRACE       # windows are at most 7 days long (above)
    for pid, ms in by_person.items():
        ms.sort(key=lambda x: x[0])
        starts = [x[0] for x in ms]
        for i, (a2, b2, m2) in enumerate(ms):
            for a1, b1, m1 in ms[bisect_left(starts, a2 - reach, 0, i):i]:
                if m1["span"]["article"] == m2["span"]["article"]:
                    continue
                if not set(m1["positions"]) & set(m2["positions"]):
                    continue
                if not _incompatible(m1["tense"], m2["tense"]):
                    continue
                if a1 > b2 + GRACE or a2 > b1 + GRACE:
                    continue
                # A past holder is often named by the old title for what they did in office
                # ("President Obama signed ...") beside "former President Obama": when the KB
                # knows the person in the post, the pair is only a conflict if the KB says one
                # of the two is wrong at its date. The one the KB says is wrong carries the
                # finding, else the later one.
                target, other = m2, m1
                ts = kb.held(pid, set(m1["positions"])) if pid in kb.people else []
                wrong1 = bool(ts) and _kb_wrong(ts, m1, a1, b1)
                wrong2 = bool(ts) and _kb_wrong(ts, m2, a2, b2)
                if ts and not (wrong1 or wrong2):
                    continue
                if wrong1 and not wrong2:
                    target, other = m1, m2
                k = (target["span"]["article"], other["span"]["article"], pid)
                if k in done:
                    continue
                done.add(k)
                name = kb.people[pid].name if pid in kb.people else pid
                out.findings.append(_finding_from_span(
                    TITLE_CONFLICT.id, TITLE_CONFLICT.severity, target["span"],
                    f"{name} is '{target['span']['text']}' here but '{other['span']['text']}' in "
                    f"{other['span']['article']}, an article of the same dates: both cannot be right.",
                    [other["span"]], {"person": pid, "tenses": [target["tense"], other["tense"]],
                                      "kb": kb.summary(pid) if pid in kb.people else None}))


def _corpus_variants(items: list[CorpusItem], kb: KB, out: CorpusOutput) -> None:
    uses: dict[str, dict[str, list[dict]]] = {}
    for it in items:
        for key, forms in ((it.fingerprint or {}).get("variants") or {}).items():
            for form, info in forms.items():
                uses.setdefault(key, {}).setdefault(form, []).append(info["span"])
    sev = required(kb.variant_settings, "kb-variants", "corpus_severity")
    for key, forms in uses.items():
        if len(forms) < 2:
            continue
        preferred = _preferred_order(kb, key)
        ranked = sorted(forms.items(), key=lambda kv: (-len({s["article"] for s in kv[1]}),
                                                       preferred.get(kv[0], 99)))
        top_form, top_spans = ranked[0]
        label = _group_label(kb, key)
        for form, spans in ranked[1:]:
            for sp in spans:
                others = [s for s in top_spans if s["article"] != sp["article"]][:3]
                if not others:
                    continue
                n = len({s["article"] for s in top_spans})
                out.findings.append(_finding_from_span(
                    VARIANT.id, sev, sp,
                    f"{label}: this article writes '{form}', {n} other article(s) in the corpus write "
                    f"'{top_form}'.", others,
                    {"group": key, "scope": "corpus",
                     "forms": {f: sorted({s['article'] for s in ss}) for f, ss in forms.items()}}))


def _preferred_order(kb: KB, key: str) -> dict[str, int]:
    kind, ident = key.split(":")[:2]
    if kind == "person":
        p = kb.people[ident]
        lst = p.given if key.endswith(":given") else p.family
    else:
        v = next((x for x in kb.variants if x["id"] == ident), None)
        lst = v["forms"] if v else []
    return {f: i for i, f in enumerate(lst)}


REGISTRY.corpus("consistency", _fingerprint, _corpus_run, order=60)
