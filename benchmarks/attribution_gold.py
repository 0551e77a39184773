"""Turn hand annotations into gold offsets (see benchmarks/attribution_guideline.md).

For every ID.json in a folder, reads _annotations/ID.txt (one line per cue:
``cue | source | kind [| chain: A > B]``, in text order) and writes the article's ``gold``
list (cue, source with kind and, for pronouns, the person meant, chain nodes) back into
ID.json. Fails naming the file and line of any cue or source it cannot find.

Usage: python benchmarks/attribution_gold.py benchmarks/attribution_dev/tune [more folders]
(needs no data outside the repository).
"""
from __future__ import annotations

import glob
import json
import os
import re
import sys

KINDS = {"person", "organization", "outlet", "document", "anonymous", "vague", "pronoun"}


class AnnotationError(ValueError):
    pass


def _word_rx(s: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(s) + r"(?!\w)")


def parse_line(line: str) -> dict:
    parts = [p.strip() for p in line.split("|")]
    if len(parts) not in (3, 4):
        raise AnnotationError("expected 'cue | source | kind [| chain: A > B]'")
    cue, src, kind = parts[:3]
    kind = kind.lower()
    if kind not in KINDS:
        raise AnnotationError(f"unknown kind {kind!r} (one of {', '.join(sorted(KINDS))})")
    out = {"cue": cue, "source": src, "kind": kind, "chain": None, "resolved": None}
    if "=" in src:
        src, res = [x.strip() for x in src.split("=", 1)]
        out["source"], out["resolved"] = src, res
    if len(parts) == 4:
        ch = parts[3]
        if not ch.lower().startswith("chain:"):
            raise AnnotationError("the fourth field must start with 'chain:'")
        nodes = [n.strip() for n in ch[6:].split(">") if n.strip()]
        if len(nodes) < 2:
            raise AnnotationError("a chain has at least two nodes (A > B)")
        out["chain"] = nodes
    return out


def build(text: str, lines: list[str]) -> list[dict]:
    pos = 0
    gold = []
    for n, raw in lines:
        try:
            a = parse_line(raw)
            cue, skip = a["cue"], 0
            if re.search(r"#\d+$", cue):
                cue, nth = cue.rsplit("#", 1)
                skip = int(nth) - 1
            rx = _word_rx(cue)
            m = rx.search(text, pos)
            for _ in range(skip):
                m = rx.search(text, m.end()) if m else None
            if not m:
                raise AnnotationError(f"cue {cue!r} not found after offset {pos}")
            cs, ce = m.span()
            src = a["source"]
            side = None
            if src.endswith((" <", " >")):
                src, side = src[:-2].strip(), src[-1]
            occ = [mm.start() for mm in _word_rx(src).finditer(text)]
            if side == "<":
                occ = [o for o in occ if o < cs]
            elif side == ">":
                occ = [o for o in occ if o >= ce]
            if not occ:
                raise AnnotationError(f"source {src!r} not found" + (f" ({side} the cue)" if side else ""))
            ss = min(occ, key=lambda o: min(abs(o - cs), abs(o + len(src) - cs), abs(o - ce)))
            g = {"cue": {"text": cue, "start": cs, "end": ce},
                 "source": {"text": src, "start": ss, "end": ss + len(src), "kind": a["kind"]}}
            if a["resolved"]:
                g["source"]["resolved"] = a["resolved"]
            if a["chain"]:
                g["chain"] = a["chain"]
            gold.append(g)
            pos = ce
        except AnnotationError as e:
            raise AnnotationError(f"line {n}: {e}: {raw!r}") from None
    return gold


def annotation_lines(path: str) -> list[tuple[int, str]]:
    with open(path, encoding="utf-8") as f:
        return [(i, ln.rstrip("\n")) for i, ln in enumerate(f, 1)
                if ln.strip() and not ln.lstrip().startswith("#")]


def build_folder(folder: str) -> int:
    bad = 0
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        art_id = os.path.basename(path)[:-5]
        ann = os.path.join(folder, "_annotations", art_id + ".txt")
        if not os.path.exists(ann):
            print(f"{ann}: missing", file=sys.stderr)
            bad += 1
            continue
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        try:
            d["gold"] = build(d["text"], annotation_lines(ann))
        except AnnotationError as e:
            print(f"{ann}: {e}", file=sys.stderr)
            bad += 1
            continue
        with open(ann, encoding="utf-8") as f:
            d["relay"] = "# no relay" not in f.read()
        with open(path, "w", encoding="utf-8") as f:
            json.dump(d, f, indent=1, ensure_ascii=False)
            f.write("\n")
        chains = {tuple(g["chain"]) for g in d["gold"] if g.get("chain")}
        print(f"{art_id}: {len(d['gold'])} cues, {len(chains)} relayed chains")
    return bad


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    return 1 if sum(build_folder(f) for f in argv) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
