"""The shipped rule sets accept a known-good document and reject a broken one."""

from medtek.billing.tests.conftest import RULES_DIR


def test_rule_files_ship_inside_the_project():
    assert (RULES_DIR / "CEN-EN16931-UBL.xslt").stat().st_size > 100_000
    assert (RULES_DIR / "PEPPOL-EN16931-UBL.xslt").stat().st_size > 100_000
