"""The official Peppol rule sets, compiled once per test session (compiling takes a while)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lxml import etree

RULES_DIR = Path(__file__).resolve().parents[1] / "peppol"
RULE_FILES = ("CEN-EN16931-UBL.xslt", "PEPPOL-EN16931-UBL.xslt")
SVRL = "http://purl.oclc.org/dsdl/svrl"


@pytest.fixture(scope="session")
def peppol_errors() -> Iterator[Callable[[bytes], list[str]]]:
    """A function giving the fatal failed assertions of both rule sets for an XML document."""
    from saxonche import PySaxonProcessor

    with PySaxonProcessor(license=False) as proc:
        xslt = proc.new_xslt30_processor()
        compiled = [xslt.compile_stylesheet(stylesheet_file=str(RULES_DIR / name)) for name in RULE_FILES]

        def errors(xml: bytes) -> list[str]:
            found: list[str] = []
            for rules in compiled:
                node = proc.parse_xml(xml_text=xml.decode("utf-8"))
                svrl = rules.transform_to_string(xdm_node=node)
                tree = etree.fromstring(svrl.encode("utf-8"))
                for fail in tree.iter(f"{{{SVRL}}}failed-assert"):
                    if fail.get("flag") == "fatal":
                        text = " ".join("".join(fail.itertext()).split())
                        found.append(f"{fail.get('id')}: {text}")
            return found

        yield errors
