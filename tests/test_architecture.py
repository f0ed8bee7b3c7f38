"""The dependency rules of README's "Architecture", checked as the tests run (CI too)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["importlinter"]["contracts"]


def test_import_contracts_are_kept():
    """No app imports another against the arrows, so no import cycle between apps."""
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is a dev dependency"
    result = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_module_of_notifications_but_its_contract_is_closed_to_the_apps():
    (contract,) = [c for c in _contracts() if "public contract" in c["name"]]
    modules = {
        f"notifications.{path.stem if path.is_file() else path.name}"
        for path in (ROOT / "notifications").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists() and path.name != "migrations")
    }
    assert set(contract["forbidden_modules"]) == modules - {"notifications.contract"}
