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
