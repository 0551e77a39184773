"""An installed wheel (not only the editable checkout) finds its default rule packs and schemas."""
import subprocess
import sys

from conftest import ROOT


def test_wheel_install_finds_default_rules(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True, timeout=600)
    wheel = next(wheels.glob("auditor-*.whl"))
    # Install the wheel alone into a fresh target folder and run it with this
    # interpreter's dependencies: no checkout path is on sys.path.
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=600)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); sys.argv = ['auditor'] + sys.argv[2:];"
            "import auditor, auditor.cli; assert auditor.__file__.startswith(sys.path[0]), "
            "auditor.__file__; auditor.cli.main()")
    res = subprocess.run([sys.executable, "-c", code, str(target), "rules", "list"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1"})
    assert res.returncode == 0, res.stderr
    assert "site/auditor/default_rules/headline.yaml" in res.stdout
    res = subprocess.run([sys.executable, "-c", code, str(target), "audit", str(ROOT / "seeds"),
                          "--output", "", "--quiet"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=300, env={"PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1"})
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("Summary: 5 articles")
