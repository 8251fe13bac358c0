"""Every kind of event the code can record reads in words, in Swedish and in English.

The kinds are found the way a reader would find them: every `kind=` passed to a call that records an
event (`record_event`, `build_event`, `device_record_event` and the apps' own `_event` helpers), and
every constant of an `EventKind`-like class. A kind no app described with `core.events.describe`
would show raw ("qc.recorded") in a history; this test names it.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

import medtek
from medtek.core.events import described_kinds, event_label

SRC = Path(medtek.__file__).resolve().parent
RECORDERS = {"record_event", "build_event", "device_record_event", "_event", "_item_event"}
# A kind built at run time, and every kind it can be: the f-string as written in the source -> kinds.
DYNAMIC_KINDS = {
    "EventKind.step_done(step)": lambda: [
        f"decommissioning.{step}"
        for step in importlib.import_module("medtek.decommissioning.choices").ChecklistStep.values
    ],
}
# A kind whose Swedish reads like its English: none yet.
SAME_IN_BOTH: set[str] = set()


def _sources() -> list[Path]:
    return [
        p
        for p in sorted(SRC.rglob("*.py"))
        if "tests" not in p.relative_to(SRC).parts and "migrations" not in p.relative_to(SRC).parts
    ]


def _module(path: Path) -> str:
    return "medtek." + ".".join(path.relative_to(SRC).with_suffix("").parts)


def _resolve(module: str, node: ast.expr) -> list[str] | None:
    """The kinds an expression passed as `kind=` can be; None when it is a variable (a pass-through)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Attribute):
        value: object = importlib.import_module(module)
        for part in ast.unparse(node).split("."):
            value = getattr(value, part)
        return [str(value)]
    if isinstance(node, ast.JoinedStr | ast.Call):
        source = ast.unparse(node)
        assert source in DYNAMIC_KINDS, f"{module}: add the kinds {source} can be to DYNAMIC_KINDS"
        return list(DYNAMIC_KINDS[source]())
    if isinstance(node, ast.Name):
        return None
    raise AssertionError(f"{module}: cannot tell which event kinds {ast.unparse(node)} can be")


def _recorded_kinds() -> dict[str, str]:
    """{kind: where} for every kind passed to a recording call in the source."""
    found: dict[str, str] = {}
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in RECORDERS:
                continue
            for keyword in node.keywords:
                if keyword.arg == "kind":
                    for kind in _resolve(_module(path), keyword.value) or []:
                        found.setdefault(kind, f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def _constant_kinds() -> dict[str, str]:
    """{kind: where} for every constant of an EventKind-like class (EventKind, EvaluationEvent, ...)."""
    found: dict[str, str] = {}
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and (node.name == "EventKind" or node.name.endswith("Event")):
                cls = getattr(importlib.import_module(_module(path)), node.name)
                for attr, value in vars(cls).items():
                    if not attr.startswith("_") and isinstance(value, str):
                        found.setdefault(value, f"{path.relative_to(SRC)}: {node.name}.{attr}")
    return found


def test_the_search_finds_the_kinds_of_every_app() -> None:
    kinds = {**_constant_kinds(), **_recorded_kinds()}
    for expected in (
        "device.moved",
        "qc.recorded",
        "workorder.done",
        "invoice.issued",
        "agreement.terminated",
        "safety.notice_registered",
        "organisation.created",
        "decommissioning.decided",
        "decommissioning.patient_data_wiped",
    ):
        assert expected in kinds


def test_every_event_kind_is_named_by_a_constant_where_it_is_recorded() -> None:
    literal = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in RECORDERS and any(
                k.arg == "kind" and isinstance(k.value, ast.Constant | ast.JoinedStr) for k in node.keywords
            ):
                literal.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert literal == [], "record these kinds through the app's EventKind constants"


def test_every_event_kind_the_code_records_is_described() -> None:
    kinds = {**_constant_kinds(), **_recorded_kinds()}
    missing = {kind: where for kind, where in kinds.items() if kind not in described_kinds()}
    assert missing == {}, "describe these kinds with core.events.describe in the app that records them"


@pytest.mark.parametrize("kind", sorted(described_kinds()))
def test_every_description_reads_in_swedish_and_in_english(kind: str) -> None:
    with translation.override("en"):
        english = event_label(kind)
    with translation.override("sv"):
        swedish = event_label(kind)
    assert english != kind and swedish != kind
    assert swedish != english or kind in SAME_IN_BOTH, f"{kind}: no Swedish text for {english!r}"


@pytest.mark.django_db
def test_a_device_history_shows_another_apps_event_in_its_words(world: Any) -> None:
    from django.test import Client

    from medtek.inventory.services import device_record_event
    from medtek.inventory.tests.factories import DeviceFactory

    device = DeviceFactory(owner=world.berg)
    device_record_event(
        device=device,
        kind="qc.recorded",
        actor=world.tech,
        data={"template": "IEC62353-BF", "result": "failed", "failed": [], "work_order": "FU-000007"},
    )
    client = Client()
    client.force_login(world.admin)
    html = client.get(f"/devices/{device.pk}/").content.decode()
    assert "qc.recorded" not in html
    assert "<td>Kvalitetskontroll registrerad</td>" in html
    assert "Resultat: Underkänt" in html and "Arbetsorder: FU-000007" in html
