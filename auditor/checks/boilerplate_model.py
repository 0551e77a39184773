"""A line classifier for boilerplate, from the text alone: features of a line and its neighbours,
weights learnt offline (``benchmarks/boilerplate_train.py``) and kept as data in the
``boilerplate-model`` rule pack (``rules/boilerplate-model.yaml``).

Two logistic models score each line. The first reads the line and its neighbours: length in
words, final punctuation, the share of capitalised words, digits, dates and times, separators
(``|`` ``>`` ``»``), stop-word density (as jusText does, also crossed with the length), the
words of short lines, how alike the neighbouring lines are (length, shared words), runs of
short lines and of lines without a sentence end, and where the line stands against the page's
prose (before the first prose paragraph, after the last one, how far from one, how much of the
prose is above it). The second adds the first model's scores of the lines around it, so a line
inside a menu or a list of links is read with its block. A line is flagged when the second
model's probability reaches the pack's ``threshold`` and its block is vouched for by a cued line
that reaches it too or by a line a pattern flagged (``block_support``); prose sentences of
``guard_prose_words`` words or more are never flagged. Each line's top contributions are its
reasons.

The class of a flagged line (navigation, related-links, comments, credit, share, timestamp,
teaser, author-box, advertising) comes from the pack's entries: the first entry whose ``cues``
match the line, else the first whose ``fallback`` shape fits. Each class is a rule
``boilerplate.<class>``; ``enabled: false`` on its entry in a user pack switches it off.

Everything here is a pure function of the lines and the pack; plain Python, no numpy.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any
from ..rules import RulePackError, RuleSet, compile_pattern, literals

KIND = "boilerplate-model"

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?")
_LOWER_WORD = re.compile(r"[a-z]+(?:['\u2019][a-z]+)?")
_END_SENT = re.compile(r"[.!?][\"'\u201d\u2019)\]]*$")
_END_ELLIPSIS = re.compile(r"(?:\.\.\.|\u2026)[\"'\u201d\u2019)\]]*$")
_SENT_BREAK = re.compile(r"[.!?][\"'\u201d\u2019)]*\s+[\"'\u201c\u2018(]*[A-Z]")
_SEPARATORS = re.compile(r"[|\u00bb\u203a>\u2022\u00b7/\u2014\u2013]")
_DATE = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|"
                   r"\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|"
                   r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b", re.I)
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s?[ap]\.?m\b|\b(?:ago|yesterday|today)\b", re.I)
_DIGIT = re.compile(r"\d")
_URLISH = re.compile(r"https?://|www\.|\.com\b|@\w")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u00b7\u203a\u00bb>]|\d+[.)])\s")

# Human-readable reasons, by feature name (vocabulary features read "the word 'x'").
REASONS = {
    "bias": "the prior",
    "words_1": "a one-word line", "words_2_3": "a line of 2-3 words", "words_4_6": "a line of 4-6 words",
    "words_7_12": "a line of 7-12 words", "words_13_25": "a line of 13-25 words",
    "words_26_50": "a line of 26-50 words", "words_gt50": "a line over 50 words",
    "log_chars": "its length", "end_sentence": "a sentence end", "end_colon": "a final colon",
    "end_ellipsis": "a final ellipsis", "end_other": "no final punctuation",
    "sentence_breaks": "several sentences", "cap_share": "mostly capitalised words",
    "all_caps": "written in capitals", "digit_share": "many digits", "has_date": "a date",
    "has_time": "a time or 'ago'", "separators": "separators such as | > \u00bb",
    "urlish": "a link, address or handle", "bullet": "a list bullet",
    "stop_density": "stop-word density", "no_stopwords": "no stop words",
    "prev_short": "a short line before it", "next_short": "a short line after it",
    "prev_sentence": "a sentence before it", "next_sentence": "a sentence after it",
    "prev_blank_shape": "the same shape as the line before",
    "next_blank_shape": "the same shape as the line after",
    "sim_prev": "a length like the line before", "sim_next": "a length like the line after",
    "run_short": "a run of short lines", "window_short": "short lines around it",
    "window_prose": "prose around it",
    "before_prose": "before the first prose paragraph", "after_prose": "after the last prose paragraph",
    "prose_dist": "far from the prose", "rel_pos": "its place on the page",
    "no_prose": "a page without prose", "repeated": "printed more than once on the page",
    "ctx_prev": "boilerplate-like lines before it", "ctx_next": "boilerplate-like lines after it",
    "ctx_window": "a boilerplate-like block around it",
    "run_unpunct": "a run of lines without a sentence end", "prose_before": "how much of the prose is above it",
    "lowstop_long": "a longer line with few stop words", "stop_short": "a short line of stop words",
    "title_case": "every word capitalised", "sim_words": "words shared with the line before or after",
}


@dataclass(frozen=True)
class Cue:
    """One cue regex with its cheap pre-filters: a line is searched only when it holds one of
    ``literals`` (lowered when ``fold``) and, for a cue anchored at the line's start, when its
    first character is one ``first`` matches."""
    rx: Any
    literals: tuple | None
    fold: bool
    first: Any


@dataclass(frozen=True)
class ClassEntry:
    id: str                # the class: rule boilerplate.<id>
    severity: str
    description: str
    cues: tuple            # compiled regexes searched in the line
    fallback_max_words: int | None
    fallback_min_words: int
    checks: tuple = ()     # Cue of each regex of ``cues``


def _cue(pattern: str, flags: list[str], rx) -> Cue:
    lits = first = None
    if set(flags) <= {"ignorecase"}:
        lits = literals.required_literals(pattern, flags)
        parsed = literals._parse(pattern, flags)
        if parsed is not None and len(parsed[0]) and \
                parsed[0][0] == (literals._sre.AT, literals._sre.AT_BEGINNING):
            first = literals.first_class(pattern, flags)
    return Cue(rx, lits, "ignorecase" in flags, first)


def _fold_special():
    return literals._FOLD_SPECIAL


@dataclass(frozen=True)
class Model:
    threshold: float
    guard_prose_words: int
    block_probability: float
    vocab_max_words: int
    prose_min_words: int
    stopwords: frozenset
    vocab: frozenset
    w1: dict               # feature -> weight (stage 1)
    w2: dict               # feature -> weight (stage 2: stage 1's features + ctx_*)
    classes: tuple         # ClassEntry, in pack order (enabled only)
    cue_classes: tuple     # every ClassEntry (its cues are features whether enabled or not)
    all_classes: frozenset  # every class id, enabled or not
    source: str
    reasons: int
    wr: dict = field(default_factory=dict)      # the recurrence model's weights (corpus stage)
    recurrence_threshold: float = 0.9
    recurrence_candidates: float = 0.05
    recurring_veto: float | None = None
    memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)  # line -> cue classes



def _run_lengths(flags: list[bool]) -> list[int]:
    """For each position, the length of the run of true flags it stands in (0 when false)."""
    out = [0] * len(flags)
    i, n = 0, len(flags)
    while i < n:
        if flags[i]:
            j = i
            while j < n and flags[j]:
                j += 1
            out[i:j] = [j - i] * (j - i)
            i = j
        else:
            i += 1
    return out

def load(ruleset: RuleSet) -> Model | None:
    """The classifier of this rule set (built once), or None without a ``boilerplate-model``
    pack. Raises RulePackError naming the file when the weights are unusable."""
    return ruleset.cached("boilerplate.model", lambda: _build(ruleset))


def _build(ruleset: RuleSet) -> Model | None:
    if KIND not in ruleset.packs:
        return None
    pack = ruleset.packs[KIND]
    s = pack.settings
    where = ", ".join(pack.sources) or KIND
    problems = []
    model = s.get("model")
    if not isinstance(model, dict):
        raise RulePackError([f"{where}: settings.model: the classifier's weights are missing"])
    vocab = frozenset(model.get("vocabulary") or ())
    known = set(REASONS) | {f"w={v}" for v in vocab} | {f"cue_{e['id']}" for e in pack.entries.values()}
    ws = []
    for stage in ("stage1", "stage2"):
        w = model.get(stage)
        if not isinstance(w, dict) or not w:
            problems.append(f"{where}: settings.model.{stage}: no weights (a mapping of feature to number)")
            ws.append({})
            continue
        for k, v in w.items():
            if k not in known:
                problems.append(f"{where}: settings.model.{stage}.{k}: no such feature "
                                f"(retrain with benchmarks/boilerplate_train.py)")
            elif not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
                problems.append(f"{where}: settings.model.{stage}.{k}: weight {v!r} is not a finite number")
        ws.append({k: float(v) for k, v in w.items() if isinstance(v, (int, float)) and not isinstance(v, bool)})
    wr = model.get("recurrence") or {}
    if not isinstance(wr, dict):
        problems.append(f"{where}: settings.model.recurrence: not a mapping of feature to number")
        wr = {}
    for k, v in wr.items():
        if k not in RECURRENCE_REASONS:
            problems.append(f"{where}: settings.model.recurrence.{k}: no such feature "
                            f"(retrain with benchmarks/boilerplate_train.py)")
        elif not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
            problems.append(f"{where}: settings.model.recurrence.{k}: weight {v!r} is not a finite number")
    thr = s.get("threshold", 0.5)
    if not isinstance(thr, (int, float)) or not 0 < thr < 1:
        problems.append(f"{where}: settings.threshold: {thr!r} is not a probability between 0 and 1")
    if problems:
        raise RulePackError(problems)
    classes = class_entries(pack)
    return Model(
        threshold=float(thr), guard_prose_words=int(s.get("guard_prose_words", 25)),
        block_probability=float(s.get("block_probability", 0.5)),
        vocab_max_words=int(model.get("vocab_max_words", 12)),
        prose_min_words=int(model.get("prose_min_words", 12)),
        stopwords=frozenset(model.get("stopwords") or ()), vocab=vocab, w1=ws[0], w2=ws[1],
        classes=tuple(c for e, c in classes if e.get("enabled", True)),
        cue_classes=tuple(c for _, c in classes),
        all_classes=frozenset(c.id for _, c in classes), source=where,
        reasons=int(s.get("reasons", 3)),
        wr={k: float(v) for k, v in wr.items() if isinstance(v, (int, float)) and not isinstance(v, bool)},
        recurrence_threshold=float(s.get("recurrence_threshold", 0.9)),
        recurrence_candidates=float(s.get("recurrence_candidates", 0.05)),
        recurring_veto=None if s.get("recurring_veto") is None else float(s["recurring_veto"]))


def class_entries(pack) -> list[tuple[dict, ClassEntry]]:
    """(entry, ClassEntry) of every class of the pack, enabled or not, in pack order."""
    out = []
    where = ", ".join(pack.sources) or KIND
    for e in pack.entries.values():
        flags = list(e.get("flags", ["ignorecase"]))
        try:
            cues = tuple(compile_pattern(p, flags) for p in e.get("cues", ()))
        except Exception as err:
            raise RulePackError([f"{e.get('_source', where)}: entry {e['id']!r} cues: invalid regular "
                                 f"expression: {err}"]) from None
        fb = e.get("fallback")
        out.append((e, ClassEntry(e["id"], e.get("severity", "info"), e.get("description", ""), cues,
                                  int(fb.get("max_words", 10 ** 9)) if fb else None,
                                  int(fb.get("min_words", 0)) if fb else 0,
                                  tuple(_cue(p, flags, rx) for p, rx in zip(e.get("cues", ()), cues)))))
    return out


# -- features ----------------------------------------------------------------------------
@dataclass
class _Basic:
    words: int
    sentence: bool         # ends like a sentence
    short: bool            # at most 5 words, no sentence end
    prose: bool
    chars: int


def _bucket(n: int) -> str:
    if n <= 1:
        return "words_1"
    if n <= 3:
        return "words_2_3"
    if n <= 6:
        return "words_4_6"
    if n <= 12:
        return "words_7_12"
    if n <= 25:
        return "words_13_25"
    if n <= 50:
        return "words_26_50"
    return "words_gt50"


def basics(texts: list[str], model: Model) -> list[_Basic]:
    out = []
    pmin = model.prose_min_words
    for t in texts:
        t = t.strip()
        n = t.count(" ") + 1 if t else 0
        sent = bool(_END_SENT.search(t))
        out.append(_Basic(n, sent, n <= 5 and not sent, sent and n >= pmin, len(t)))
    return out


def guarded(x: _Basic, model: Model) -> bool:
    """A prose sentence of ``guard_prose_words`` words or more: never flagged, not scored (its
    stage-1 probability counts as 0 for its neighbours)."""
    return x.sentence and x.words >= model.guard_prose_words


_MEMO_SIZE = 20_000
_SPECIAL = None


def cue_hits(t: str, cue_classes, memo: dict | None = None) -> tuple[str, ...]:
    """Ids of the classes (of ``cue_classes``, in order) one of whose cues the stripped,
    non-empty line ``t`` matches; remembered in ``memo`` (menus and bars recur across pages)."""
    if memo is not None:
        hit = memo.get(t)
        if hit is not None:
            return hit
    global _SPECIAL
    if _SPECIAL is None:
        _SPECIAL = _fold_special()
    low = None
    out = []
    c0 = t[0]
    for c in cue_classes:
        for q in (c.checks or [Cue(rx, None, False, None) for rx in c.cues]):
            if q.first is not None and q.first.match(c0) is None:
                continue
            if q.literals is not None:
                if q.fold:
                    if low is None:
                        low = t.lower()
                        if not t.isascii() and any(x in low for x in _SPECIAL):
                            low = ""
                    hay = low
                else:
                    hay = t
                if hay and not any(x in hay for x in q.literals):
                    continue
            if q.rx.search(t):
                out.append(c.id)
                break
    hit = tuple(out)
    if memo is not None:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[t] = hit
    return hit


def features(texts: list[str], model: Model, cue_classes=(), b=None) -> list[dict[str, float] | None]:
    """Stage-1 features of every line (a sparse mapping each; None for a guarded prose line);
    ``cue_classes`` are the class entries whose cues become ``cue_<class>`` features."""
    b = b if b is not None else basics(texts, model)
    n = len(texts)
    if n == 0:
        return []
    prose = [x.prose for x in b]
    short = [x.short for x in b]
    prose_idx = [i for i, v in enumerate(prose) if v]
    first_p = prose_idx[0] if prose_idx else None
    last_p = prose_idx[-1] if prose_idx else None
    # distance to the nearest prose line, both ways
    dist = [n] * n
    d = None
    for i in range(n):
        d = 0 if prose[i] else (None if d is None else d + 1)
        if d is not None:
            dist[i] = d
    d = None
    for i in range(n - 1, -1, -1):
        d = 0 if prose[i] else (None if d is None else d + 1)
        if d is not None and d < dist[i]:
            dist[i] = d
    # runs of short lines; prefix counts of short and prose lines for the windows
    run = _run_lengths(short)
    # runs of lines without a sentence end (menus, lists of headlines)
    urun = _run_lengths([not x.sentence for x in b])
    cs = [0] * (n + 1)
    cp = [0] * (n + 1)
    pc = [0] * (n + 1)                          # prose characters before each line
    for i in range(n):
        cs[i + 1] = cs[i] + short[i]
        cp[i + 1] = cp[i] + prose[i]
        pc[i + 1] = pc[i] + (b[i].chars if prose[i] else 0)
    prose_chars = pc[n]
    wsets: dict[int, frozenset] = {}

    def wset(k: int) -> frozenset:
        ws = wsets.get(k)
        if ws is None:
            ws = wsets[k] = frozenset(_WORD.findall(keys[k]))
        return ws
    stripped = [t.strip() for t in texts]
    keys = [t.lower() for t in stripped]
    seen: dict[str, int] = {}
    for k in keys:
        seen[k] = seen.get(k, 0) + 1
    stop = model.stopwords
    vocab = model.vocab
    vmax = model.vocab_max_words
    gw = model.guard_prose_words
    memo = model.memo if cue_classes is model.cue_classes else None
    log1p = math.log1p
    word_rx = _WORD.findall
    out = []
    for i in range(n):
        x = b[i]
        if x.sentence and x.words >= gw:           # guarded(): never scored
            out.append(None)
            continue
        t = stripped[i]
        f: dict[str, float] = {"bias": 1.0, _bucket(x.words): 1.0, "log_chars": log1p(x.chars) / 5}
        if x.sentence:
            f["end_sentence"] = 1.0
        elif t.endswith(":"):
            f["end_colon"] = 1.0
        elif _END_ELLIPSIS.search(t):
            f["end_ellipsis"] = 1.0
        else:
            f["end_other"] = 1.0
        if x.words > 3:
            sb = len(_SENT_BREAK.findall(t))
            if sb:
                f["sentence_breaks"] = min(sb, 3) / 3
        words = word_rx(t)
        if words:
            nw = len(words)
            caps = 0
            for w in words:
                if w[0].isupper():
                    caps += 1
            f["cap_share"] = caps / nw
            if len(t) > 3 and t.isupper():
                f["all_caps"] = 1.0
            lw = [w.lower() for w in words]
            sd = 0
            for w in lw:
                if w in stop:
                    sd += 1
            sd /= nw
            f["stop_density"] = sd
            if sd == 0:
                f["no_stopwords"] = 1.0
            if x.words >= 7 and sd < 0.2:
                f["lowstop_long"] = 1.0
            elif x.words <= 6 and sd >= 0.34:
                f["stop_short"] = 1.0
            if nw >= 3 and caps == nw:
                f["title_case"] = 1.0
            if x.words <= vmax:
                for w in set(lw) & vocab:
                    f["w=" + w] = 1.0
        else:
            f["no_stopwords"] = 1.0
        digits = len(_DIGIT.findall(t))
        if digits:
            f["digit_share"] = digits / max(1, len(t))
            if _DATE.search(t):
                f["has_date"] = 1.0
            if _TIME.search(t):
                f["has_time"] = 1.0
        elif x.words <= 12 and _TIME.search(t):
            f["has_time"] = 1.0
        sep = len(_SEPARATORS.findall(t))
        if sep:
            f["separators"] = min(sep, 3) / 3
        if _URLISH.search(t):
            f["urlish"] = 1.0
        if _BULLET.match(t):
            f["bullet"] = 1.0
        if x.words <= 20 and cue_classes and t:
            for cid in cue_hits(t, cue_classes, memo):
                f["cue_" + cid] = 1.0
        if i > 0:
            y = b[i - 1]
            if y.short:
                f["prev_short"] = 1.0
            if y.sentence:
                f["prev_sentence"] = 1.0
            if y.short == x.short and y.sentence == x.sentence:
                f["prev_blank_shape"] = 1.0
            f["sim_prev"] = min(y.chars, x.chars) / max(1, y.chars, x.chars)
        if i + 1 < n:
            y = b[i + 1]
            if y.short:
                f["next_short"] = 1.0
            if y.sentence:
                f["next_sentence"] = 1.0
            if y.short == x.short and y.sentence == x.sentence:
                f["next_blank_shape"] = 1.0
            f["sim_next"] = min(y.chars, x.chars) / max(1, y.chars, x.chars)
        if run[i]:
            f["run_short"] = log1p(run[i]) / 3
        if urun[i] > 1:
            f["run_unpunct"] = log1p(urun[i]) / 3
        if x.words <= 25:
            mine = wset(i)
            if mine:
                best = 0.0
                for k in (i - 1, i + 1):
                    if 0 <= k < n and b[k].words <= 25:
                        other = wset(k)
                        if other:
                            jac = len(mine & other) / len(mine | other)
                            if jac > best:
                                best = jac
                if best:
                    f["sim_words"] = best
        lo, hi = max(0, i - 3), min(n, i + 4)
        win = hi - lo - 1
        if win:
            f["window_short"] = (cs[hi] - cs[lo] - short[i]) / win
            f["window_prose"] = (cp[hi] - cp[lo] - prose[i]) / win
        if first_p is None:
            f["no_prose"] = 1.0
        else:
            if i < first_p:
                f["before_prose"] = 1.0
            elif i > last_p:
                f["after_prose"] = 1.0
            f["prose_dist"] = log1p(dist[i]) / 3
            f["prose_before"] = pc[i] / prose_chars
        f["rel_pos"] = i / max(1, n - 1)
        rep = seen[keys[i]]
        if rep > 1:
            f["repeated"] = math.log(rep) / 2
        out.append(f)
    return out


def _logit(w: dict, f: dict) -> float:
    get = w.get
    z = 0.0
    for k, v in f.items():
        z += get(k, 0.0) * v
    return z


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def context(p1: list[float], i: int) -> dict[str, float]:
    """Stage-2 features of line ``i`` from stage-1 probabilities ``p1`` of the page."""
    n = len(p1)
    f = {}
    if i > 0:
        f["ctx_prev"] = p1[i - 1]
    if i + 1 < n:
        f["ctx_next"] = p1[i + 1]
    lo, hi = max(0, i - 3), min(n, i + 4)
    if hi - lo > 1:
        f["ctx_window"] = (sum(p1[lo:hi]) - p1[i]) / (hi - lo - 1)
    return f


@dataclass
class Scored:
    index: int
    probability: float
    features: dict         # stage-2 features
    basic: _Basic
    weights: dict          # stage-2 weights

    @property
    def reasons(self) -> list[tuple[str, float]]:
        """(feature, contribution) of each feature."""
        w = self.weights
        return [(k, w.get(k, 0.0) * v) for k, v in self.features.items()]


def score(texts: list[str], model: Model) -> list[Scored]:
    """The stage-2 probability of being boilerplate of every line that can be flagged (not
    blank, not guarded prose), with its main reasons; ``index`` is the line's index in
    ``texts`` (blank lines are not lines of the page here)."""
    keep = [i for i, t in enumerate(texts) if t.strip()]
    lines = [texts[i] for i in keep]
    b = basics(lines, model)
    if all(guarded(x, model) for x in b):
        return []
    feats = features(lines, model, model.cue_classes, b)
    w1 = model.w1
    p1 = [0.0 if f is None else _sigmoid(_logit(w1, f)) for f in feats]
    w2 = model.w2
    out = []
    get = w2.get
    for i, f in enumerate(feats):
        if f is None:
            continue
        f.update(context(p1, i))             # f becomes the stage-2 features
        z = 0.0
        for k, v in f.items():
            z += get(k, 0.0) * v
        out.append(Scored(keep[i], _sigmoid(z), f, b[i], w2))
    return out


def reasons(s: Scored, k: int) -> list[str]:
    """The ``k`` features that pushed the line most towards boilerplate, as words."""
    top = sorted((c for c in s.reasons if c[1] > 0 and c[0] != "bias"), key=lambda c: -c[1])[:k]
    return [reason_text(name) for name, _ in top]


def reason_text(name: str) -> str:
    if name.startswith("w="):
        return f"the word '{name[2:]}'"
    if name.startswith("cue_"):
        return f"a {name[4:]} cue"
    return REASONS.get(name, name)


def classify(text: str, words: int, model: Model, feats: dict | None = None) -> ClassEntry | None:
    """The class of a flagged line: first entry whose cue matches, else first fallback that
    fits; None when every fitting class is switched off. ``feats``: the line's features, whose
    ``cue_*`` say which cues match (they are looked for in lines of up to 20 words)."""
    if feats is not None and words <= 20:
        for c in model.classes:
            if "cue_" + c.id in feats:
                return c
    elif text:
        hits = cue_hits(text, model.classes)
        for c in model.classes:
            if c.id in hits:
                return c
    for c in model.classes:
        if c.fallback_max_words is not None and c.fallback_min_words <= words <= c.fallback_max_words:
            return c
    return None


def _any_cue(texts: list[str], model: Model) -> bool:
    """Whether a line of up to 20 words (where cues are features) matches a class cue."""
    memo, classes = model.memo, model.cue_classes
    for t in texts:
        t = t.strip()
        if t and t.count(" ") < 20 and cue_hits(t, classes, memo):
            return True
    return False


def block_support(prob: list[float], cued: list[bool], anchor: list[bool], joined: list[bool],
                  block_probability: float) -> list[float]:
    """For each scored line, what vouches for its block: 1 when the block holds an anchor (a
    line a pattern flagged), else the highest probability of a cued line in it, else 0. A block
    is a run of lines (``joined[i]``: line i directly follows line i-1) each with probability
    ``block_probability`` or more, or an anchor; a line outside a block gets 0. A line is
    flagged when its probability and its block's support both reach the threshold."""
    n = len(prob)
    out = [0.0] * n
    i = 0
    while i < n:
        if not (prob[i] >= block_probability or anchor[i]):
            i += 1
            continue
        j = i + 1
        while j < n and joined[j] and (prob[j] >= block_probability or anchor[j]):
            j += 1
        sup = 0.0
        for k in range(i, j):
            if anchor[k]:
                sup = 1.0
                break
            if cued[k] and prob[k] > sup:
                sup = prob[k]
        for k in range(i, j):
            out[k] = sup
        i = j
    return out


def flag(texts: list[str], model: Model, skip: set[int] = frozenset(),
         anchors: set[int] = frozenset()) -> list[tuple[Scored, ClassEntry]]:
    """Lines the classifier flags (assess()'s first half)."""
    return assess(texts, model, skip, anchors)[0]


def logit(s: Scored) -> float:
    """The stage-2 logit of a scored line (what the recurrence model reads as ``z2``)."""
    p = min(max(s.probability, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def assess(texts: list[str], model: Model, skip: set[int] = frozenset(),
           anchors: set[int] = frozenset()) -> tuple[list[tuple[Scored, ClassEntry]], list[Scored], list[bool]]:
    """Lines the classifier flags (not in ``skip``), each with its class. Guards:

    * a sentence of ``guard_prose_words`` words or more is never flagged;
    * a line is flagged only inside a block that shows its kind (block_support()): a run of
      likely lines holding a cued line that reaches the threshold or one of ``anchors``
      (lines a pattern flagged). A story's list of fixtures or winners holds none.
    """
    if not anchors and not _any_cue(texts, model):
        return [], [], []          # every flag needs a cued line or an anchor in its block
    scored = score(texts, model)
    if not scored:
        return [], [], []
    nonblank = [i for i, t in enumerate(texts) if t.strip()]
    pos = {i: k for k, i in enumerate(nonblank)}
    joined = [False] + [pos[scored[k].index] == pos[scored[k - 1].index] + 1 for k in range(1, len(scored))]
    cue_keys = tuple("cue_" + c.id for c in model.cue_classes)
    cued = [any(k in s.features for k in cue_keys) for s in scored]
    sup = block_support([s.probability for s in scored], cued,
                        [s.index in anchors for s in scored], joined, model.block_probability)
    thr = model.threshold
    out = []
    for s, v in zip(scored, sup):
        if s.probability < thr or v < thr or s.index in skip:
            continue
        c = classify(texts[s.index].strip(), s.basic.words, model, s.features)
        if c is not None:
            out.append((s, c))
    return out, scored, cued


# -- recurrence (corpus stage) ------------------------------------------------------------
RECURRENCE_REASONS = {
    "bias": "the prior", "z2": "its score in the article",
    "rec": "recurs in other articles", "rec_any": "recurs in another article",
    "rec_nb": "lines around it recur in other articles",
    "rec_z2": "recurs, and reads as boilerplate in its article",
}


def recurrence_features(z2: float, rec: int, neighbours: list[int]) -> dict[str, float]:
    """Features of the recurrence model for a line whose stage-2 logit is ``z2``, that stands
    in ``rec`` other articles of its scope (the outlet, or the corpus when the outlet is
    unknown), and whose neighbours (the lines up to two before and after it) stand in
    ``neighbours`` other articles each (0 for a neighbour that is not scored)."""
    z = max(-13.8, min(13.8, z2)) / 5
    f = {"bias": 1.0, "z2": z}
    if rec:
        r = math.log1p(rec) / 2
        f["rec"] = r
        f["rec_any"] = 1.0
        f["rec_z2"] = r * z
    if neighbours:
        f["rec_nb"] = sum(1 for v in neighbours if v) / len(neighbours)
    return f


def recurrence_probability(model: Model, f: dict[str, float]) -> float:
    return _sigmoid(_logit(model.wr, f))


def recurrence_reasons(model: Model, f: dict[str, float], k: int) -> list[str]:
    w = model.wr
    top = sorted(((n, w.get(n, 0.0) * v) for n, v in f.items() if n != "bias"), key=lambda c: -c[1])
    return [RECURRENCE_REASONS.get(n, n) for n, c in top[:k] if c > 0]
