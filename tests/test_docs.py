"""The documentation site: the generated rule reference is up to date, every page of the nav
exists, README stays short, and the benchmark scripts' --write-docs sections."""
import re
import subprocess
import sys

import yaml
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tools"))

import _docs  # noqa: E402
import gen_rule_docs  # noqa: E402


def test_the_rule_reference_page_is_up_to_date():
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert page == gen_rule_docs.render(), "run: .venv/bin/python tools/gen_rule_docs.py"
    from auditor.checks import declarations
    for r in declarations.rules():
        assert f"### {r.id}\n" in page


def _nav_pages(items):
    for it in items:
        if isinstance(it, str):
            yield it
        elif isinstance(it, dict):
            for v in it.values():
                yield from (_nav_pages(v) if isinstance(v, list) else [v])


def test_every_page_is_in_the_nav_and_exists():
    cfg = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    nav = set(_nav_pages(cfg["nav"]))
    pages = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")}
    assert nav == pages
    assert cfg["strict"] is True and cfg["theme"]["name"] == "material"


def test_readme_is_short_and_links_the_pages():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    assert "make audit" in text and "make test" in text
    for link in re.findall(r"\]\((docs/[^)#]+)", text):
        assert (ROOT / link).exists(), link


def test_benchmarks_page_has_the_scripts_sections():
    page = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    for name in ("attribution_quality", "boilerplate_quality", "bench_checks"):
        assert f"<!-- BEGIN {name} -->" in page and f"<!-- END {name} -->" in page, name
        assert f'_docs.run("{name}"' in (ROOT / "benchmarks" / f"{name}.py").read_text()


def test_write_docs_replaces_only_its_section(tmp_path):
    page = tmp_path / "b.md"
    page.write_text("# B\n\n<!-- BEGIN a -->\nold a\n<!-- END a -->\n\n<!-- BEGIN b -->\nold b\n"
                    "<!-- END b -->\ntail\n")
    _docs.replace_section("a", "new a\nmore", page)
    assert page.read_text() == ("# B\n\n<!-- BEGIN a -->\nnew a\nmore\n<!-- END a -->\n\n"
                                "<!-- BEGIN b -->\nold b\n<!-- END b -->\ntail\n")


def test_write_docs_writes_what_the_script_printed(tmp_path):
    script = tmp_path / "s.py"
    page = tmp_path / "p.md"
    page.write_text("x\n<!-- BEGIN s -->\n<!-- END s -->\n")
    script.write_text(
        "import sys\nfrom pathlib import Path\n"
        f"sys.path.insert(0, {str(ROOT / 'benchmarks')!r})\n"
        "import _docs\n"
        f"_docs.PAGE = Path({str(page)!r})\n"
        "def main():\n    print('figure 1.000')\n"
        "_docs.run('s', main)\n")
    res = subprocess.run([sys.executable, str(script), "--write-docs"], capture_output=True,
                         text=True)
    assert res.returncode == 0, res.stderr
    assert res.stdout == "figure 1.000\n"
    text = page.read_text()
    assert "```text\nfigure 1.000\n```" in text and "--write-docs" not in text.split("```")[0]
    assert "commit `" in text


def test_readme_figures_are_the_quality_scripts_sections():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("attribution_quality", "boilerplate_quality"):
        assert f"<!-- BEGIN {name} -->" in text and f"<!-- END {name} -->" in text, name
        assert "readme=" in (ROOT / "benchmarks" / f"{name}.py").read_text()


def test_write_docs_writes_the_readme_pick_too(tmp_path):
    script = tmp_path / "s.py"
    page, readme = tmp_path / "p.md", tmp_path / "R.md"
    page.write_text("x\n<!-- BEGIN s -->\n<!-- END s -->\n")
    readme.write_text("# R\n<!-- BEGIN s -->\nold\n<!-- END s -->\nend\n")
    script.write_text(
        "import sys\nfrom pathlib import Path\n"
        f"sys.path.insert(0, {str(ROOT / 'benchmarks')!r})\n"
        "import _docs\n"
        f"_docs.PAGE = Path({str(page)!r})\n_docs.README = Path({str(readme)!r})\n"
        "def main():\n    print('detail 0.5')\n    print('headline 0.9')\n"
        "_docs.run('s', main, readme=lambda out: out.splitlines()[1])\n")
    res = subprocess.run([sys.executable, str(script), "--write-docs"], capture_output=True,
                         text=True)
    assert res.returncode == 0, res.stderr
    assert "detail 0.5\nheadline 0.9" in page.read_text()
    r = readme.read_text()
    assert "```text\nheadline 0.9\n```" in r and "detail" not in r
    assert r.startswith("# R\n") and r.endswith("<!-- END s -->\nend\n")
