"""The import contract in pyproject.toml: the stages of geo/ import downwards only."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT

PYPROJECT = ROOT / "pyproject.toml"
# Run import-linter where the package to check sits (it puts the working directory first on sys.path).
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"


def lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", LINT], cwd=where, capture_output=True, text=True, timeout=120)


def layers() -> list[str]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = config["contracts"]
    return [name.strip() for layer in contract["layers"] for name in layer.split("|")]


def test_the_import_contract_holds():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_every_module_of_geo_has_a_layer():
    """A new module outside the contract would be free to import anything."""
    modules = {
        f"geo.{path.stem}"
        for path in (ROOT / "geo").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").is_file()
    }
    assert modules == set(layers())


def test_an_import_up_a_layer_breaks_the_contract(tmp_path):
    """The store importing the exports (the cycle the layout removed) is reported."""
    shutil.copytree(ROOT / "geo", tmp_path / "geo", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    rows = tmp_path / "geo" / "store" / "rows.py"
    rows.write_text(rows.read_text(encoding="utf-8") + "\nfrom geo.export import to_dict  # noqa\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "geo.store.rows -> geo.export" in result.stdout


def architecture_paths() -> set[str]:
    """The paths the README's architecture section names (its layout block, first column)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```\n", 2)[1]
    named: set[str] = set()
    package = "geo/"
    for line in block.splitlines():
        head = line.split("  ", 2)[1 if line.startswith("  ") else 0].strip() if line.strip() else ""
        if not head or not (head.startswith("geo/") or line.startswith("  ")):
            continue  # a continued description, or app.py
        first, *more = (name.strip() for name in head.split(","))
        if line.startswith("  "):
            first = package + first
        elif first.endswith("/"):
            package = first
        folder = first.rsplit("/", 1)[0] + "/"
        named.update([first, *(folder + name for name in more)])
    return named


def test_the_readme_architecture_names_every_module():
    named = architecture_paths()
    package = ROOT / "geo"
    modules = {path.relative_to(ROOT).as_posix() for path in package.rglob("*.py") if path.name != "__init__.py"} | {
        path.parent.relative_to(ROOT).as_posix() + "/" for path in package.rglob("*/__init__.py")
    }
    assert modules - named == set(), "modules the README's architecture section does not name"
    stale = {path for path in named if not (ROOT / path).exists()}
    assert stale == set(), "the README names modules that are gone"
