"""The package's layers: every module imports only from its own layer or the layers below, and
no import cycle exists, counting the imports inside functions too (a function-local import
hides a cycle from the interpreter, not from this test).

The layers, lowest first (DESIGN.md, "Where the layout is going"):

* the foundation: ``auditor`` (its name and version), ``model``, ``text``, ``files`` (the one
  atomic writer), ``spool`` (blobs on disk, used by checks and engine alike), ``schemas``;
* ``rules``: loading and validating rule packs, the one regex compiler and optimiser;
* ``knowledge``: the knowledge base, publication dates, the knowledge-base importers;
* ``ingest``: readers, preparing an article (markers, headline), the one re-read of sources;
* ``checks``: the registry and the check families;
* ``archive``: fingerprints of articles seen before (it imports the checks' sketches; the
  checks reach it only through ``CorpusContext.archive``, which the engine opens);
* ``engine``: the per-article stage, the local pool, Dask, suppression, scoring, the pipeline;
* ``output``: the renderers;
* ``gate``: the CI check (it renders through ``output``), config, baselines, git-incoming;
* ``cli`` and ``__main__``: options wired to the rest.
"""
from __future__ import annotations

import ast
from pathlib import Path

import auditor

PACKAGE = Path(auditor.__file__).parent

LAYERS: list[tuple[str, ...]] = [
    ("auditor", "auditor.model", "auditor.text", "auditor.files", "auditor.spool", "auditor.schemas"),
    ("auditor.rules",),
    ("auditor.knowledge",),
    ("auditor.ingest",),
    ("auditor.checks",),
    ("auditor.archive",),
    ("auditor.engine",),
    ("auditor.output",),
    ("auditor.gate",),
    ("auditor.cli", "auditor.__main__"),
]


def modules() -> dict[str, Path]:
    out = {}
    for p in sorted(PACKAGE.rglob("*.py")):
        parts = ["auditor", *p.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def layer_of(mod: str) -> int:
    best, level = -1, None
    for i, names in enumerate(LAYERS):
        for name in names:
            if (mod == name or mod.startswith(name + ".")) and len(name) > best:
                best, level = len(name), i
    assert level is not None, f"{mod} is in no layer: add it to LAYERS in {__file__}"
    return level


def module_imports(mod: str, source: str, is_pkg: bool, mods) -> dict[str, int]:
    """{imported auditor module: first line} of one module's source, function-local imports
    included."""
    edges: dict[str, int] = {}
    for node in ast.walk(ast.parse(source)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = mod.split(".") if is_pkg else mod.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            targets = [name] + [f"{name}.{a.name}" for a in node.names]
        for t in targets:
            if t.split(".")[0] != "auditor":
                continue
            while t not in mods and "." in t:     # a name inside a module -> the module
                t = t.rsplit(".", 1)[0]
            if t in mods and t != mod:
                edges.setdefault(t, node.lineno)
    return edges


def imports(mods: dict[str, Path]) -> dict[str, dict[str, int]]:
    """{module: {imported auditor module: line}} for every module of the package."""
    return {mod: module_imports(mod, path.read_text(encoding="utf-8"), path.name == "__init__.py", mods)
            for mod, path in mods.items()}


def test_every_module_has_a_layer():
    for mod in modules():
        layer_of(mod)


def test_no_import_from_a_higher_layer():
    mods = modules()
    bad = []
    for mod, edges in imports(mods).items():
        for target, line in edges.items():
            if layer_of(target) > layer_of(mod):
                bad.append(f"{mod} (layer {layer_of(mod)}, {mods[mod].name}:{line}) imports "
                           f"{target} (layer {layer_of(target)})")
    assert not bad, "imports from a higher layer:\n  " + "\n  ".join(bad)


def test_no_import_cycle():
    graph = imports(modules())
    # Tarjan's strongly connected components: any component of two or more is a cycle
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not cycles, "import cycles:\n  " + "\n  ".join(
        " <-> ".join(c) + "  (" + "; ".join(f"{a} -> {b}" for a in c for b in graph[a] if b in c) + ")"
        for c in cycles)


def test_the_walker_sees_function_local_and_relative_imports():
    """An import inside a function counts (that is how cycles used to hide), relative imports
    resolve against the module's package, and a name imported from a package is the package
    unless it is a submodule."""
    mods = {"auditor", "auditor.model", "auditor.checks", "auditor.checks.reuse", "auditor.engine",
            "auditor.engine.pipeline"}
    src = ("from ..model import Article\n"
           "def f():\n    from ..checks import reuse, REGISTRY\n"
           "def g():\n    import auditor.engine\n")
    edges = module_imports("auditor.engine.pipeline", src, False, mods)
    assert edges == {"auditor.model": 1, "auditor.checks": 3, "auditor.checks.reuse": 3,
                     "auditor.engine": 5}
