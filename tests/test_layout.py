"""Each app keeps the same rooms (STYLE.md): here, its API schemas live in `schemas.py`, not in `api.py`."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "medtek"
# core/api.py holds the shared bases (input, page, error) every app's schemas build on.
SHARED = {"core"}


def test_no_app_defines_api_schemas_in_its_api_module() -> None:
    defined = []
    for api in sorted(SRC.glob("*/api.py")):
        if api.parent.name in SHARED:
            continue
        for node in ast.parse(api.read_text()).body:
            if isinstance(node, ast.ClassDef):
                defined.append(f"{api.parent.name}.{node.name}")
            elif (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and ast.unparse(node.value.func) in {"page_schema", "create_model"}
            ):
                defined.append(f"{api.parent.name}.{ast.unparse(node.targets[0])}")
    assert defined == []


def test_every_app_with_an_api_has_a_schemas_module() -> None:
    missing = [
        api.parent.name
        for api in sorted(SRC.glob("*/api.py"))
        if api.parent.name not in SHARED | {"config"} and not (api.parent / "schemas.py").exists()
    ]
    assert missing == []
