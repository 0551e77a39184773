"""The HTML report: a static folder that opens from disk with no server and no network.

``index.html``     corpus summary, reliability chart, a table of articles that sorts and
                   filters (state kept in the URL), clusters and unreadable inputs
``articles/*.html`` one page per article: the original text with every finding drawn in
                   place, the side list of findings, attribution chains as diagrams, the
                   publication date with its provenance, the reliability score and its parts
``clusters/*.html`` one page per cluster: the members side by side, shared and differing
                   passages marked
``assets/``        the stylesheet and script, copied from the package (no CDN)

Jinja2 with autoescape renders every page; text from articles, rule packs and file
names is always escaped, and JSON embedded in pages has ``<`` escaped so no text can
close its ``<script>`` block. Every file is written with ``write_atomic``.

The report JSON keeps no article text. To draw findings in place the renderer needs
the texts: ``render(..., texts=...)`` takes a mapping or a ``load(ids)`` function; by
default it uses ``result.load`` (set by the pipeline right after an audit) or reads
the files named by the articles' ``path`` again (``auditor report``).
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import posixpath
from collections import Counter
from importlib import resources
from typing import IO, Any, Callable, Iterable, Mapping

import jinja2
from markupsafe import Markup

from ...model import Article, AuditResult, FieldMap, Finding
from ...engine.parallel import fork_map
from .. import register, write_atomic
from .highlight import FAMILIES, SEVERITY_RANK, Mark, family_class, highlight, slug, snippet
from .svg import MARKED, chain_diagram, score_histogram
from .._ci import rule_help
from .diff import compare
from .sources import file_loader

GENERATOR = "auditor-html-report"
ASSETS = ("report.css", "report.js")
PAGE_BATCH = 200        # articles a task of the page writer renders (entries, findings and
                        # texts read at once)
NOSCRIPT_ROWS = 1000    # rows of the plain table shown when scripts are off

TextSource = "Mapping[str, str | Article] | Callable[[Iterable[str]], Mapping[str, str | Article]] | None"

class _Undefined(jinja2.StrictUndefined):
    """Missing keys test false in ``{% if %}`` (fields other checks may not have added);
    printing or iterating one is still an error, so a typo in a template cannot pass."""

    def __bool__(self) -> bool:
        return False


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("auditor.output.html", "templates"),
    autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=_Undefined,
)


def script_json(obj: Any) -> Markup:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' left raw."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    s = (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
         .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return Markup(s)


_ENV.filters["script_json"] = script_json
_ENV.filters["thousands"] = lambda n: f"{n:,}" if isinstance(n, int) else n


def page_name(article_id: str) -> str:
    """A file name safe on every system, unique per id: a slug and a short hash."""
    digest = hashlib.sha1(article_id.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    stem = os.path.splitext(os.path.basename(article_id.rstrip("/\\")))[0] or article_id
    return f"{slug(stem, 40)}-{digest}.html"


def cluster_name(index: int, kind: str) -> str:
    return f"{slug(kind, 24)}-{index + 1}.html"


def asset(name: str) -> str:
    return (resources.files("auditor.output.html") / "static" / name).read_text(encoding="utf-8")


# -- small formatting helpers ------------------------------------------------------------------
def _fmt_value(v: Any, limit: int = 400) -> str:
    if isinstance(v, str):
        s = v
    elif isinstance(v, float):
        s = f"{v:.4g}"
    else:
        try:
            s = json.dumps(v, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            s = str(v)
    return s if len(s) <= limit else s[:limit - 1] + "…"


def _short(text: str, limit: int = 240) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _num(v: Any) -> float | None:
    try:
        return None if v is None or isinstance(v, bool) else float(v)
    except (TypeError, ValueError):
        return None


def _as_dict(v: Any) -> dict:
    return v if isinstance(v, dict) else {}


def _as_list(v: Any) -> list:
    return v if isinstance(v, list) else []


@functools.lru_cache(maxsize=64)
def _relfolder(folder: str, start: str) -> str:
    return posixpath.relpath(folder, start)


class Layout:
    """Where each file goes, and relative links between them."""

    def __init__(self, destination: str):
        if destination.endswith(".html"):
            self.root = os.path.dirname(os.path.abspath(destination))
            stem = os.path.basename(destination)[:-5]
            self.index = os.path.basename(destination)
            self.sub = f"{stem}_files/"
        else:
            self.root = os.path.abspath(destination)
            self.index = "index.html"
            self.sub = ""

    def rel(self, from_page: str, to: str) -> str:
        folder, name = posixpath.split(to)
        up = _relfolder(folder or ".", posixpath.dirname(from_page) or ".")
        return name if up == "." else f"{up}/{name}"

    def article(self, aid: str) -> str:
        return f"{self.sub}articles/{page_name(aid)}"

    def cluster(self, i: int, kind: str) -> str:
        return f"{self.sub}clusters/{cluster_name(i, kind)}"

    def asset(self, name: str) -> str:
        return f"{self.sub}assets/{name}"

    def path(self, rel: str) -> str:
        return os.path.join(self.root, *rel.split("/"))


# -- texts ----------------------------------------------------------------------------------
def _text_loader(result: AuditResult, texts: Any) -> Callable[[list[str]], Mapping[str, Any]]:
    if texts is None:
        texts = getattr(result, "load", None)
    if texts is None:
        texts = file_loader(result.articles)
    if callable(texts):
        return texts
    return lambda ids: {i: texts[i] for i in ids if i in texts}


def _text_of(value: Any) -> str | None:
    if isinstance(value, Article):
        return value.text
    return value if isinstance(value, str) else None


def _fields_of(value: Any) -> FieldMap | None:
    return value.fields if isinstance(value, Article) else None


def page_span(fields: FieldMap | None, field: str | None, start: int, end: int) -> tuple[int, int]:
    """(start, end) in the article's text as the page shows it, of a report span: a JSON
    record's spans index its title or text (``field``; auditor.engine.fields), the page shows the
    text the checks read (the headline line put before a body that lacks it)."""
    if fields is None or field is None:
        return start, end
    return fields.to_text(field, start), fields.to_text(field, end)


def at_anchor(span: Mapping[str, Any]) -> str | None:
    """``at=START-END`` (offsets in the page's text) or ``at=FIELD:START-END`` (offsets in a
    JSON record's field, which report.js moves by the page's ``data-at-FIELD``), of a span."""
    s, e = span.get("start"), span.get("end")
    if not (isinstance(s, int) and isinstance(e, int)):
        return None
    field = span.get("field")
    return f"at={field}:{s}-{e}" if field in ("title", "text") else f"at={s}-{e}"


def text_state(text: str | None, findings: list[Finding], fields: FieldMap | None = None) -> str:
    """ok: every finding's text stands at its offsets; changed: it does not; missing: no text."""
    if text is None:
        return "missing"
    for f in findings:
        s, e = page_span(fields, f.field, f.start, f.end)
        if s < 0 or e > len(text) or text[s:e] != f.text:
            return "changed"
    return "ok"


# -- the renderer ------------------------------------------------------------------------------
def _family_order(family: str) -> tuple:
    return (FAMILIES.index(family) if family in FAMILIES else 99, family)


def _facts(rec: dict[str, Any], findings: list[Finding]) -> tuple:
    """What the index keeps of one article: id, title, outlet, date, score, grade, the
    counts of its findings by (family, severity) (suppressed ones left out), and the
    families of all its findings."""
    rel = _as_dict(rec.get("reliability"))
    counts = Counter((f.family, f.severity.value) for f in findings if not f.suppressed)
    return (rec["id"], rec.get("title") or "", rec.get("outlet") or "",
            str(_as_dict(rec.get("published")).get("value") or ""), _num(rel.get("score")),
            str(rel.get("grade") or ""), dict(counts), {f.family for f in findings})


class Report:
    """The pages of one report. The article entries and findings are read a batch of
    ``batch`` articles at a time (from the pipeline's spools after an audit), so memory holds
    each article's id and title and a few counts, never the corpus's findings or entries.

    ``jobs`` > 1: the article pages are rendered by that many forked processes (the same
    bytes as one). ``progress``: called with the count of article pages written."""

    def __init__(self, result: AuditResult, layout: Layout | None, texts: Any = None, jobs: int = 1,
                 progress: Callable[[int], None] | None = None, batch: int = PAGE_BATCH):
        self.result = result
        self.layout = layout
        self.jobs, self.progress, self.batch = jobs, progress, max(1, batch)
        self.ids: list[str] = []
        self.titles: dict[str, str | None] = {}
        for rec in result.articles:             # streamed: each entry goes once read
            self.ids.append(rec["id"])
            self.titles[rec["id"]] = rec.get("title")
        self.known = set(self.ids)
        self._findings = result.findings_reader(self.ids)
        self.clusters_of: dict[str, list[int]] = {}
        for i, c in enumerate(result.clusters):
            for m in c.members:
                self.clusters_of.setdefault(str(m.get("article")), []).append(i)
        self.loader = _text_loader(result, texts) if layout else None
        self.written: set[str] = set()
        self._facts: list[tuple] | None = None          # per article, from ``_walk``
        self._members: dict[str, tuple] = {}            # cluster members' entries and findings

    @property
    def families(self) -> list[str]:
        """The families of the report's findings, in the report's order."""
        return sorted({fam for fact in self.facts() for fam in fact[7]}, key=_family_order)

    def facts(self) -> list[tuple]:
        """``_facts`` of every article, in order (gathered while the pages are written)."""
        if self._facts is None:
            self._walk(render=False)
        return self._facts

    # links
    def href(self, from_page: str, to: str) -> str:
        return self.layout.rel(from_page, to) if self.layout else to

    def article_href(self, from_page: str, aid: str, at: str | None = None) -> str | None:
        """The link to an article's page; ``at``: a span to mark there (``at_anchor``)."""
        if self.layout is None or aid not in self.known:
            return None
        h = self.href(from_page, self.layout.article(aid))
        return h + (f"#{at}" if at else "")

    def common(self, page: str) -> dict[str, Any]:
        lay = self.layout
        return {
            "tool": self.result.tool,
            "index_href": self.href(page, lay.index) if lay else "#",
            "css_href": self.href(page, lay.asset("report.css")) if lay else None,
            "js_href": self.href(page, lay.asset("report.js")) if lay else None,
            "inline_css": Markup(asset("report.css")) if lay is None else None,
            "inline_js": Markup(asset("report.js").replace("</", "<\\/")) if lay is None else None,
            "generator": GENERATOR,
        }

    # -- index ------------------------------------------------------------------------------
    def index_context(self) -> dict[str, Any]:
        res = self.result
        summary = res.summary()
        page = self.layout.index if self.layout else "index.html"
        families = self.families
        fam_index = {f: i for i, f in enumerate(families)}
        grid = {f: {"error": 0, "warning": 0, "info": 0} for f in families}
        rows, scores = [], []
        for aid, title, outlet, date, score, grade, found, _ in self.facts():
            counts = [0] * (3 * len(families))
            for (fam, sev), k in found.items():
                counts[fam_index[fam] * 3 + (3 - SEVERITY_RANK.get(sev, 1))] += k
                grid[fam][sev] += k
            total = sum(found.values())
            if score is not None:
                scores.append(score)
            rows.append([aid, title, outlet, date, score, grade,
                         self.article_href(page, aid) or "", counts if total else 0, total])
        top = max([sum(v.values()) for v in grid.values()] or [1]) or 1
        fam_rows = [{"family": f, "cls": family_class(f), "counts": grid[f], "total": sum(grid[f].values()),
                     "pct": round(100 * sum(grid[f].values()) / top, 1)} for f in families]
        clusters = []
        for i, c in enumerate(res.clusters):
            members = []
            for m in c.members:
                aid = str(m.get("article"))
                members.append({"id": aid, "title": self.titles.get(aid) or aid,
                                "href": self.article_href(page, aid),
                                "similarity": _num(m.get("similarity")), "original": bool(m.get("original"))})
            clusters.append({"kind": c.kind, "similarity": c.similarity, "members": members,
                             "href": self.href(page, self.layout.cluster(i, c.kind)) if self.layout else None})
        data = {"families": families, "articles": rows}
        return {
            **self.common(page), "page": "index", "summary": summary, "fam_rows": fam_rows,
            "families": [{"name": f, "cls": family_class(f)} for f in families],
            "hist": score_histogram(scores) if scores else None,
            "unscored": len(res.articles) - len(scores), "clusters": clusters,
            "cluster_kinds": Counter(c.kind for c in res.clusters),
            "errors": [e.to_dict() for e in res.errors], "data": data,
            "noscript_rows": rows[:NOSCRIPT_ROWS], "options": res.options or {},
            "baseline": res.baseline, "pages": self.layout is not None,
        }

    # -- article pages ----------------------------------------------------------------------
    def article_context(self, pos: int, rec: dict[str, Any], findings: list[Finding],
                        loaded: Any) -> dict[str, Any]:
        """The page of the ``pos``-th article: its entry, its findings and its text."""
        aid = rec["id"]
        page = self.layout.article(aid)
        text = _text_of(loaded)
        fields = _fields_of(loaded)
        state = text_state(text, findings, fields)
        marks = [Mark(i + 1, *page_span(fields, f.field, f.start, f.end), f.family, f.severity.value,
                      f.rule, f.message, f.suppressed)
                 for i, f in enumerate(findings)]
        body = highlight(text, marks) if state == "ok" else None
        snippets = [snippet(m, f.text) for m, f in zip(marks, findings)] if state != "ok" else None

        entries = []
        for m, f in zip(marks, findings):
            related = []
            for r in f.related:
                r = _as_dict(r)
                ra = str(r.get("article", ""))
                at = at_anchor(r)
                if ra == aid:
                    href = f"#{at}" if at else None
                else:
                    href = self.article_href(page, ra, at)
                related.append({"article": ra, "same": ra == aid, "href": href,
                                "title": self.titles.get(ra),
                                "line": r.get("line"), "column": r.get("column"),
                                "text": _short(r.get("text", ""), 300)})
            entries.append({
                "n": m.number, "rule": f.rule, "family": f.family, "cls": family_class(f.family),
                "severity": f.severity.value, "message": f.message, "line": f.line, "column": f.column,
                "text": _short(f.text, 400), "help": rule_help(f.rule).get("short", ""),
                "evidence": [(str(k), _fmt_value(v)) for k, v in _as_dict(f.evidence).items()],
                "related": related, "suppressed": f.suppressed,
                "suppression": _as_dict(f.suppression),
            })

        attributions = _as_list(rec.get("attributions"))
        src_spans: dict[str, str] = {}          # attribution id -> at_anchor of its source
        attr_rows = []
        for a in attributions:
            a = _as_dict(a)
            src, cue = _as_dict(a.get("source")), _as_dict(a.get("cue"))
            if at_anchor(src):
                src_spans[str(a.get("id"))] = at_anchor(src)
            attr_rows.append({
                "id": str(a.get("id", "")), "line": a.get("line"), "cue": _short(cue.get("text", ""), 80),
                "source": _short(src.get("text", ""), 120), "kind": str(src.get("kind") or ""),
                "name": _short(src.get("name") or "", 80), "marked": src.get("kind") in MARKED,
                "href": (f"#{src_spans[str(a.get('id'))]}" if a.get("id") is not None and
                         str(a.get("id")) in src_spans and state == "ok" else None),
            })
        if state != "ok":
            src_spans = {}
        label = rec.get("outlet") or "this article"
        chains = []
        for ch in _as_list(rec.get("chains")):
            ch = _as_dict(ch)
            nodes = [_as_dict(n) for n in _as_list(ch.get("nodes"))]
            if not nodes:
                continue
            d = chain_diagram(nodes, src_spans, label)
            d["terminal_kind"] = ch.get("terminal_kind") or nodes[-1].get("kind")
            d["depth"] = ch.get("depth") or len(nodes)
            d["text"] = " → ".join([label] + [str(n.get("name") or n.get("kind") or "?")
                                                      for n in nodes])
            chains.append(d)

        pub = _as_dict(rec.get("published"))
        window = _as_dict(pub.get("window")) or None
        evidence = [_fmt_value(e, 300) if not isinstance(e, dict) else
                    "; ".join(f"{k}: {_fmt_value(v, 200)}" for k, v in e.items())
                    for e in _as_list(pub.get("evidence"))]
        rel = _as_dict(rec.get("reliability"))
        reliability = None
        if _num(rel.get("score")) is not None:
            comps = []
            for c in _as_list(rel.get("components")):
                c = _as_dict(c)
                comps.append({"name": str(c.get("name", "")), "value": c.get("value"),
                              "weight": c.get("weight"), "points": _num(c.get("points")),
                              "explanation": str(c.get("explanation") or "")})
            pts = [c["points"] for c in comps if c["points"] is not None]
            biggest = max([abs(p) for p in pts] or [1]) or 1
            # one-sided bars use the whole cell; points of both signs diverge from the middle
            axis = "both" if any(p > 0 for p in pts) and any(p < 0 for p in pts) else \
                "neg" if any(p < 0 for p in pts) else "pos"
            scale = 50 if axis == "both" else 100
            for c in comps:
                c["pct"] = round(scale * abs(c["points"]) / biggest, 1) if c["points"] is not None else 0
                c["sign"] = "neg" if (c["points"] or 0) < 0 else "pos"
            reliability = {"score": _num(rel["score"]), "grade": str(rel.get("grade") or ""),
                           "components": comps, "axis": axis}
        prev_id = self.ids[pos - 1] if pos > 0 else None
        next_id = self.ids[pos + 1] if pos + 1 < len(self.ids) else None
        active = [f for f in findings if not f.suppressed]
        fam_counts = Counter(f.family for f in active)
        return {
            **self.common(page), "page": "article", "a": rec, "aid": aid,
            "title": rec.get("title") or aid, "state": state, "body": body, "snippets": snippets,
            # where a JSON record's title and text begin in the page's text (for #at=FIELD:S-E)
            "at_shift": ({"title": -fields.title_offset, "text": fields.text_offset}
                         if fields is not None else None),
            "entries": entries, "chains": chains, "attributions": attr_rows,
            "published": {"value": pub.get("value"), "provenance": pub.get("provenance"),
                          "window": window, "evidence": evidence},
            "reliability": reliability, "label": label,
            "prev": {"href": self.article_href(page, prev_id), "title": self.titles[prev_id] or prev_id}
            if prev_id else None,
            "next": {"href": self.article_href(page, next_id), "title": self.titles[next_id] or next_id}
            if next_id else None,
            "position": pos + 1, "count": len(self.ids),
            "fam_counts": [{"name": k, "cls": family_class(k), "n": fam_counts[k]}
                           for k in sorted(fam_counts, key=_family_order)],
            "n_active": len(active),
            "clusters": [{"href": self.href(page, self.layout.cluster(i, self.result.clusters[i].kind)),
                          "kind": self.result.clusters[i].kind,
                          "size": len(self.result.clusters[i].members),
                          "similarity": self.result.clusters[i].similarity}
                         for i in self.clusters_of.get(aid, [])],
            "data": {"findings": len(findings)},
        }

    # -- cluster pages ----------------------------------------------------------------------
    def cluster_context(self, i: int, loaded: Mapping[str, Any]) -> dict[str, Any]:
        c = self.result.clusters[i]
        page = self.layout.cluster(i, c.kind)
        members = []
        for m in c.members:
            aid = str(m.get("article"))
            title, outlet, date, found = self._members.get(aid, (None, None, None, []))
            text = _text_of(loaded.get(aid))
            if text is not None and text_state(text, found, _fields_of(loaded.get(aid))) != "ok":
                text = None
            members.append({"id": aid, "title": title or aid, "outlet": outlet, "date": date,
                            "href": self.article_href(page, aid), "similarity": _num(m.get("similarity")),
                            "original": bool(m.get("original")), "text": text, "marked": None,
                            "shared": None,
                            "spans": [_short(f.text, 300) for f in found
                                      if f.family in ("reuse", "duplicate") and f.text][:20]})
        ref = next((k for k, m in enumerate(members) if m["original"]), 0)
        have = [k for k, m in enumerate(members) if m["text"] is not None]
        if ref in have and len(have) >= 2:
            marked = compare([members[k]["text"] for k in have], have.index(ref))
            for k, (html, share) in zip(have, marked):
                members[k]["marked"], members[k]["shared"] = html, round(100 * share)
        heads = [m["title"] for m in members]
        head_marked = compare(heads, ref, min_run=1)
        for m, (html, _) in zip(members, head_marked):
            m["head"] = html
        return {**self.common(page), "page": "cluster", "c": c, "number": i + 1, "members": members,
                "ref": ref, "missing": [m for m in members if m["text"] is None],
                "data": {"members": len(members)}}

    # -- writing ----------------------------------------------------------------------------
    def write(self, rel: str, html: str) -> str:
        """Write one file of the report; returns its path as ``written`` keeps it."""
        path = self.layout.path(rel)
        write_atomic(path, html)
        key = os.path.normcase(path)
        self.written.add(key)
        return key

    def render_all(self) -> None:
        self.write_assets()
        self.write_articles()
        self.write_clusters()
        self.write_index()
        self.remove_stale()

    def write_assets(self) -> None:
        for name in ASSETS:
            self.write(self.layout.asset(name), asset(name))

    def write_articles(self) -> None:
        self._walk(render=True)

    def _walk(self, render: bool) -> None:
        """Every article a batch at a time: its ``_facts``, the cluster members' entries and
        findings, and (``render``) its page, on ``jobs`` forked processes when there are
        several batches. Results are gathered in order, so the pages and the facts are the
        same whatever the number of processes."""
        n = len(self.ids)
        spans = [(lo, min(lo + self.batch, n)) for lo in range(0, n, self.batch)]
        work = functools.partial(self._batch, render=render)
        pmap = fork_map(self.jobs) if render and len(spans) > 1 else None
        facts: list[tuple] = []
        for (lo, hi), (got, members, written) in zip(spans, (pmap or map)(work, spans)):
            facts.extend(got)
            self._members.update(members)
            self.written.update(written)
            if render and self.progress:
                self.progress(hi)
        self._facts = facts

    def _batch(self, span: tuple[int, int], render: bool) -> tuple[list[tuple], dict[str, tuple], list[str]]:
        lo, hi = span
        recs = self.result.articles[lo:hi]
        found = self._findings(lo, hi)
        loaded = self.loader(self.ids[lo:hi]) if (render and self.loader) else {}
        tpl = _ENV.get_template("article.html.j2") if render else None
        facts, members, written = [], {}, []
        for k, (rec, fs) in enumerate(zip(recs, found)):
            aid = rec["id"]
            if render:
                ctx = self.article_context(lo + k, rec, fs, loaded.get(aid))
                written.append(self.write(self.layout.article(aid), tpl.render(**ctx)))
            facts.append(_facts(rec, fs))
            if aid in self.clusters_of:
                members[aid] = (rec.get("title"), rec.get("outlet"),
                                _as_dict(rec.get("published")).get("value"), fs)
        return facts, members, written

    def write_clusters(self) -> None:
        if not self.result.clusters:
            return
        self.facts()                    # the members' entries and findings
        tpl = _ENV.get_template("cluster.html.j2")
        wanted = sorted({str(m.get("article")) for c in self.result.clusters for m in c.members} & self.known)
        loaded = self.loader(wanted) if (self.loader and wanted) else {}
        for i, c in enumerate(self.result.clusters):
            self.write(self.layout.cluster(i, c.kind), tpl.render(**self.cluster_context(i, loaded)))

    def write_index(self) -> None:
        self.write(self.layout.index, _ENV.get_template("index.html.j2").render(**self.index_context()))

    def remove_stale(self) -> None:
        """Pages of an earlier report in the same folder that this one no longer has."""
        for sub in ("articles", "clusters"):
            folder = self.layout.path(f"{self.layout.sub}{sub}")
            if not os.path.isdir(folder):
                continue
            for name in os.listdir(folder):
                p = os.path.join(folder, name)
                if not name.endswith(".html") or os.path.normcase(p) in self.written:
                    continue
                try:
                    with open(p, "rb") as fh:
                        head = fh.read(600)
                    if GENERATOR.encode() in head:
                        os.unlink(p)
                except OSError:
                    pass


def render_index(result: AuditResult) -> str:
    """index.html alone, with its stylesheet and script inline (for a stream)."""
    return _ENV.get_template("index.html.j2").render(**Report(result, None).index_context())


class HtmlRenderer:
    name = "html"

    def render(self, result: AuditResult, destination: "str | IO[str]", texts: Any = None,
               jobs: int = 1, progress: Callable[[int], None] | None = None,
               batch: int = PAGE_BATCH) -> None:
        """Write the report folder ``destination`` (or ``X.html`` plus ``X_files/``).

        A stream gets index.html alone, self-contained. ``texts``: a mapping id -> text
        (or Article), or a ``load(ids)`` function; default: ``result.load``, else the
        articles' files read again. ``jobs``: processes rendering the article pages (forked;
        the same bytes for any number). ``progress``: called with the count of article pages
        written. ``batch``: articles whose texts one ``load`` call reads.
        """
        if not isinstance(destination, str):
            destination.write(render_index(result))
            return
        Report(result, Layout(destination), texts, jobs=jobs, progress=progress,
               batch=batch).render_all()


register(HtmlRenderer())
