"""Dependencies point one way, from the later parts of a device's life to the earlier ones (STYLE.md).

Every `import` in an app's code is read with `ast`, including imports hidden inside a function (a
cycle does not go away by importing late); an app's tests and migrations are not part of the graph.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "medtek"

# Jobs (long work a page starts, run by the worker) sit just after organisations: every app may start
# one; a job runs the work its app registered (jobs.kinds), never importing the app.
EARLY = {"core", "organizations", "jobs"}
# The table in STYLE.md, with the apps added since: who may import whom.
ANY = None  # any app but reports
MAY_IMPORT: dict[str, set[str] | None] = {
    "core": set(),
    "organizations": {"core"},
    "jobs": {"core", "organizations"},
    "inventory": EARLY,
    "agreements": EARLY,
    "maintenance": EARLY | {"inventory"},
    "billing": EARLY | {"inventory", "maintenance", "agreements"},
    "decommissioning": EARLY | {"inventory"},
    # Its rent is billed through billing (and so under an agreement): the one part billing does not import.
    # A failed reconditioning's surplus goes through decommissioning's cases (which never import it).
    "assistive": EARLY | {"inventory", "maintenance", "agreements", "billing", "decommissioning"},
    "safety": EARLY | {"inventory", "maintenance"},
    "documents": EARLY | {"inventory", "maintenance", "decommissioning", "agreements", "billing"},
    "notifications": ANY,
    "reports": ANY,
}
NOT_APPS = {"config", "locale", "static", "templates"}


def apps() -> list[str]:
    return sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").exists() and p.name not in NOT_APPS)


def _module_of(path: Path) -> list[str]:
    return ["medtek", *path.relative_to(SRC).with_suffix("").parts]


def imports(app: str) -> Iterator[tuple[str, str, bool]]:
    """(file, imported medtek app, inside a function?) for every import in the app's own code."""
    for path in sorted((SRC / app).rglob("*.py")):
        inner = path.relative_to(SRC / app).parts
        if "tests" in inner or "migrations" in inner:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        in_function: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                in_function.update(id(child) for child in ast.walk(node) if child is not node)
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    package = _module_of(path)[: -node.level]
                    base = ".".join(package + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                names = [base] if base != "medtek" else [f"medtek.{alias.name}" for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "medtek" and len(parts) > 1 and parts[1] != app and parts[1] not in {"config"}:
                    yield str(path.relative_to(SRC.parent)), parts[1], id(node) in in_function


def allowed(app: str, target: str) -> bool:
    """Nothing imports reports; the others import what their row of the table names."""
    if target == "reports":
        return False
    rule = MAY_IMPORT.get(app, set())
    return rule is ANY or target in rule


def violations(app: str) -> list[str]:
    return [
        f"{file} imports medtek.{target}" + (" (inside a function)" if late else "")
        for file, target, late in imports(app)
        if not allowed(app, target)
    ]


def test_core_imports_no_app():
    assert violations("core") == []


def test_every_app_is_in_the_dependency_table():
    assert set(apps()) - set(MAY_IMPORT) == set()


@pytest.mark.parametrize("app", apps())
def test_an_app_imports_only_the_apps_before_it(app):
    assert violations(app) == []


def test_a_late_import_in_a_function_is_still_an_import(tmp_path, monkeypatch):
    package = tmp_path / "medtek" / "core"
    package.mkdir(parents=True)
    (tmp_path / "medtek" / "billing").mkdir()
    (tmp_path / "medtek" / "billing" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "late.py").write_text("def f():\n    from medtek.billing import rules\n    return rules\n")
    monkeypatch.setitem(globals(), "SRC", tmp_path / "medtek")
    assert violations("core") == ["medtek/core/late.py imports medtek.billing (inside a function)"]


# Libraries a web worker loads only when it makes a document or reads a barcode: together about 100 MiB
# of a worker's memory (fpdf with its fonts 50, biip 24, openpyxl 22, lxml 7), against a bar of 150 MiB.
LOADED_WHEN_USED = ("fpdf", "openpyxl", "biip", "lxml")


def test_a_web_worker_starts_without_the_document_and_barcode_libraries() -> None:
    script = (
        "import sys, django; django.setup(); import medtek.config.urls; "
        "from django.urls import resolve; resolve('/api/v1/devices'); "
        f"print(' '.join(m for m in {LOADED_WHEN_USED!r} if m in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "medtek.config.settings.base"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == ""
