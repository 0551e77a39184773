"""One person, place or organisation spelled two ways in an article (``consistency.variant``),
and forms the house style replaces (``consistency.style``)."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

import regex

from ...knowledge.kb import KB
from ...model import Article, Finding
from ...rules import required
from ...rules.wordscan import Words, WordScanner
from .. import REGISTRY, ArticleContext
from .declared import STYLE, VARIANT
from .mentions import _in_quotation
from .titles import _State, _state

def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).casefold()


# -- variants and house style ------------------------------------------------------------------
@dataclass
class _FormMatcher:
    scan: WordScanner
    exceptions: list[Any]
    canonical: dict[str, str]          # matched text (casefolded unless case-sensitive) -> listed form
    case_sensitive: bool


_FORM_MATCHERS: dict[tuple, _FormMatcher] = {}


def _form_matcher(forms: list[str], case_sensitive: bool, exceptions: list[str]) -> _FormMatcher:
    key = (tuple(forms), case_sensitive, tuple(exceptions))
    got = _FORM_MATCHERS.get(key)
    if got is None:
        flags = 0 if case_sensitive else regex.IGNORECASE
        alts = "|".join(regex.escape(f) for f in sorted(forms, key=len, reverse=True))
        rx = regex.compile(rf"(?<![\w-])(?:{alts})(?![\w-])", flags)
        ex = [regex.compile(rf"(?<![\w-]){regex.escape(x)}(?![\w-])", regex.IGNORECASE) for x in exceptions]
        canonical: dict[str, str] = {}
        for f in forms:
            canonical.setdefault(f if case_sensitive else f.casefold(), f)
        got = _FormMatcher(WordScanner(rx), ex, canonical, case_sensitive)
        if len(_FORM_MATCHERS) < 10_000:
            _FORM_MATCHERS[key] = got
    return got


def _form_hits(text: str, forms: list[str], case_sensitive: bool, exceptions: list[str],
               words: Words | None = None) -> list[tuple[str, int, int]]:
    fm = _form_matcher(forms, case_sensitive, exceptions)
    words = words if words is not None and words.text == text else Words(text)
    if not fm.scan.possible(words):
        return []
    hits = list(fm.scan.finditer(text, words, timeout=1.0))
    if not hits:
        return []
    ex_spans = [m.span() for rx in fm.exceptions for m in rx.finditer(text)]
    out = []
    for m in hits:
        if any(a <= m.start() and m.end() <= b for a, b in ex_spans):
            continue
        g = m.group(0)
        form = fm.canonical.get(g if case_sensitive else g.casefold(), g)
        out.append((form, m.start(), m.end()))
    return out


def _variant_groups(st: _State) -> dict[str, dict[str, list[tuple[int, int]]]]:
    """group key -> form -> spans (normalised text) of one article."""
    groups: dict[str, dict[str, list[tuple[int, int]]]] = {}
    kb = st.kb
    for n in st.names:
        p = kb.people[n.person]
        if n.given and n.given not in p.given_forms:    # a name form is not a spelling
            g = n.text.find(n.given)
            if g >= 0:
                groups.setdefault(f"person:{n.person}:given", {}).setdefault(n.given, []).append(
                    (n.start + g, n.start + g + len(n.given)))
        if n.family and len(p.family) > 1:
            f = n.text.find(n.family)
            if f >= 0:
                groups.setdefault(f"person:{n.person}:family", {}).setdefault(n.family, []).append(
                    (n.start + f, n.start + f + len(n.family)))
    for v in kb.variants:
        for form, s, e in _form_hits(st.tx.text, v["forms"], v.get("case_sensitive", True),
                                     v.get("exceptions") or [], st.tx.words):
            if not st.skips(s, e):
                groups.setdefault(f"variant:{v['id']}", {}).setdefault(form, []).append((s, e))
    return groups


def _group_label(kb: KB, key: str) -> str:
    kind, ident = key.split(":")[:2]
    if kind == "person":
        return kb.people[ident].name
    v = next((x for x in kb.variants if x["id"] == ident), None)
    return (v.get("label") or v["forms"][0]) if v else ident


@REGISTRY.article(VARIANT.id, order=41)
def variants(article: Article, ctx: ArticleContext):
    st = _state(ctx)
    if st is None:
        return []
    groups = _variant_groups(st)
    ctx.data["consistency_variants"] = groups
    sev = required(st.kb.variant_settings, "kb-variants", "severity")
    out = []
    for key, forms in groups.items():
        if len({_fold(f) for f in forms}) < 2 and len(forms) < 2:
            continue
        if len(forms) < 2:
            continue
        ordered = sorted(forms.items(), key=lambda kv: kv[1][0][0])
        (f1, spans1), (f2, spans2) = ordered[0], ordered[1]
        s1, e1 = st.tx.orig(*spans1[0])
        s2, e2 = st.tx.orig(*spans2[0])
        label = _group_label(st.kb, key)
        counts = ", ".join(f"'{f}' {len(sp)}x" for f, sp in ordered)
        out.append(Finding.at(
            article, VARIANT.id, sev, s2, e2,
            f"{label} is spelled two ways in this article: '{f2}' here and '{f1}' on line "
            f"{article.position(s1)[0]} ({counts}).",
            related=[article.span(s1, e1)],
            evidence={"group": key, "forms": {f: len(sp) for f, sp in ordered}}))
    kb = st.kb
    kb_sev = required(kb.variant_settings, "kb-variants", "kb_form_severity")
    diacritics = bool(required(kb.variant_settings, "kb-variants", "kb_form_diacritics"))
    seen_people = set()
    for n in (st.names if kb_sev != "off" else ()):
        if n.person in seen_people or n.kind != "full":
            continue
        p = kb.people[n.person]
        g_ok = not p.given or n.given in (p.given[0], *p.given_forms) or \
            (not diacritics and n.given is not None and _fold(n.given) == _fold(p.given[0]))
        f_ok = not p.family or n.family == p.family[0] or \
            (not diacritics and n.family is not None and _fold(n.family) == _fold(p.family[0]))
        if g_ok and f_ok:
            continue
        if any(f"person:{n.person}:{part}" in groups and len(groups[f"person:{n.person}:{part}"]) > 1
               for part in ("given", "family")):
            continue                # already reported as two spellings in this article
        seen_people.add(n.person)
        s, e = st.tx.orig(n.start, n.end)
        out.append(Finding.at(
            article, VARIANT.id, kb_sev, s, e,
            f"'{article.text[s:e]}' is a variant spelling of {p.name}, the knowledge base's form.",
            evidence={"group": f"person:{n.person}", "scope": "kb", "form": n.text, "canonical": p.name}))
    return out


@REGISTRY.article(STYLE.id, order=42)
def house_style(article: Article, ctx: ArticleContext):
    st = _state(ctx)
    if st is None:
        return []
    sev = required(st.kb.house_style_settings, "house-style", "severity")
    out = []
    for entry in st.kb.house_style:
        hits = _form_hits(st.tx.text, entry["instead_of"], entry.get("case_sensitive", True),
                          entry.get("exceptions") or [], st.tx.words)
        # boilerplate is not the article's; a quotation keeps the speaker's or writer's spelling
        hits = [h for h in hits if not st.skips(h[1], h[2]) and not _in_quotation(st.tx, h[1], h[2])]
        if not hits:
            continue
        form, s, e = hits[0]
        s, e = st.tx.orig(s, e)
        n = len(hits)
        out.append(Finding.at(
            article, STYLE.id, entry.get("severity", sev), s, e,
            f"House style writes '{entry['prefer']}', not '{form}'"
            + (f" ({n} times in this article)." if n > 1 else "."),
            evidence={"entry": entry["id"], "prefer": entry["prefer"], "count": n,
                      "note": entry.get("note", "")}))
    return out
