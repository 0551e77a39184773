"""Geometry of the report's inline SVG pictures; the markup is in templates/macros.html.j2."""
from __future__ import annotations

from typing import Any

CHAR_W = 7.0        # average width of a 12px sans-serif character, for box sizes
BOX_H = 46
GAP = 44
MAX_LABEL = 30
MARKED = {"anonymous", "vague"}      # sources a reader cannot check: drawn dashed, with a warning


def _label(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def chain_diagram(nodes: list[dict[str, Any]], spans: dict[str, Any],
                  article_label: str) -> dict[str, Any]:
    """Boxes and arrows for one chain: this article -> outlet -> ... -> source.

    ``spans`` maps attribution ids to where the text names their source, so each box links
    there: the fragment's ``at=...`` (``html.at_anchor``) or a (start, end) in the page's text.
    """
    boxes = [{"name": article_label, "label": _label(article_label), "kind": "article",
              "sub": "this article" if article_label != "this article" else "article",
              "href": None, "marked": False, "role": None}]
    for n in nodes:
        name = str(n.get("name") or "").strip() or f"({n.get('kind') or 'unknown'})"
        kind = str(n.get("kind") or "unknown")
        span = spans.get(str(n.get("attribution"))) if n.get("attribution") is not None else None
        sub = kind
        if n.get("role"):
            sub = f"{kind} · {n['role']}"
        boxes.append({"name": name, "label": _label(name), "kind": kind, "sub": _label(sub, 34),
                      "href": (f"#{span}" if isinstance(span, str) else f"#at={span[0]}-{span[1]}")
                      if span else None,
                      "marked": kind in MARKED, "role": n.get("role"),
                      "venue": n.get("venue")})
    x = 0.5
    for b in boxes:
        w = max(len(b["label"]), len(b["sub"]) * 0.85) * CHAR_W + 26
        if b["marked"]:
            w += 14
        b.update(x=x, y=8.5, w=round(max(w, 90)), h=BOX_H)
        x += b["w"] + GAP
    arrows = [{"x1": a["x"] + a["w"], "x2": b["x"] - 3, "y": a["y"] + BOX_H / 2}
              for a, b in zip(boxes, boxes[1:])]
    width = round(x - GAP + 1)
    return {"boxes": boxes, "arrows": arrows, "width": width, "height": BOX_H + 17}


def score_histogram(scores: list[float], bins: int = 10) -> dict[str, Any]:
    """Counts of reliability scores in ``bins`` equal bins over 0-100, with bar geometry."""
    counts = [0] * bins
    for s in scores:
        i = min(int(max(0.0, min(100.0, s)) * bins // 100), bins - 1)
        counts[i] += 1
    step_count = max(1, -(-max(counts) // 4))     # whole-number ticks: 4 steps up to the top
    top = step_count * 4
    left, bottom, plot_h, bar_w = 40, 170, 140, 52
    bars = []
    step = 100 / bins
    for i, c in enumerate(counts):
        h = round(plot_h * c / top, 1)
        lo = round(i * step)
        hi = round((i + 1) * step)
        bars.append({"x": left + i * (bar_w + 6), "y": bottom - h, "w": bar_w, "h": h, "count": c,
                     "lo": lo, "hi": hi, "label": f"{lo}–{hi}",
                     "max": hi if i == bins - 1 else round(hi - 0.01, 2),
                     "band": "low" if hi <= 40 else "mid" if hi <= 70 else "high"})
    ticks = [{"y": bottom - plot_h * k / 4, "text": str(step_count * k)} for k in range(5)]
    return {"bars": bars, "ticks": ticks, "width": left + bins * (bar_w + 6) + 10,
            "height": bottom + 34, "bottom": bottom, "left": left, "total": len(scores)}
