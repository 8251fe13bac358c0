"""The report of an agreement's joint evaluation (J24, J25): the follow-up figures billing computes, the
parties' assessments, the conclusions and the agreed actions, for the local and the county-wide arena."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fpdf import FPDF

from medtek.agreements.choices import Arena
from medtek.agreements.models import Evaluation
from medtek.billing.exports.pdf import _t
from medtek.billing.exports.tables import followup_rows
from medtek.core.money import format_kr as kr
from medtek.core.money import format_number
from medtek.reports.followup import followup

# Hours and billable hours are numbers of hours, the other decimal columns kronor.
HOURS_COLUMNS = {5, 6}
HEADER = [
    "Kund",
    "Inventarier",
    "FU utförda",
    "FU i tid",
    "AU",
    "Timmar",
    "Debiterbara tim.",
    "Resor",
    "Material",
    "Fast del",
    "Rörlig del",
]


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, _t(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)


def _text(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 5, _t(text or "-"), new_x="LMARGIN", new_y="NEXT")


def evaluation_pdf(*, user: Any, evaluation: Evaluation) -> bytes:
    """The evaluation report as PDF (Swedish, as it goes to the arenas)."""
    agreement = evaluation.agreement
    report = followup(user=user, agreement_id=agreement.pk, year=evaluation.period_start.year)
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    title = f"Uppföljning och utvärdering {evaluation.period_label}: {agreement.reference} {agreement.title}"
    pdf.multi_cell(0, 7, _t(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    parties = ", ".join([agreement.provider.name, *(p.customer.name for p in agreement.parties.all())])
    _text(pdf, f"Parter: {parties}")
    arenas = " och ".join(str(label) for label in Arena.labels)
    _text(pdf, f"Slutsatserna avrapporteras till {arenas}.")
    if evaluation.reported_on:
        sent = ", ".join(str(Arena(a).label) for a in evaluation.reported_to)
        _text(pdf, f"Avrapporterad {evaluation.reported_on.isoformat()} till: {sent}.")
    _heading(pdf, f"Uppföljning {report['year']} (inventarier räknade per {report['count_day']})")
    width = (pdf.w - pdf.l_margin - pdf.r_margin - 50) / max(len(HEADER) - 1, 1)
    pdf.set_font("Helvetica", "B", 8)
    for i, head in enumerate(HEADER):
        pdf.cell(50 if i == 0 else width, 6, _t(head), border="B", align="L" if i == 0 else "R")
    pdf.ln()
    pdf.set_font("Helvetica", size=8)
    for row in followup_rows(report):
        for i, value in enumerate(row):
            if isinstance(value, Decimal):
                text = format_number(value) if i in HOURS_COLUMNS else kr(value)
            else:
                text = str(value)
            pdf.cell(50 if i == 0 else width, 5, _t(text), align="L" if i == 0 else "R")
        pdf.ln()
    pdf.set_font("Helvetica", size=9)
    _heading(pdf, f"MT:s bedömning ({agreement.provider.name})")
    _text(pdf, evaluation.mt_assessment)
    _heading(pdf, "Kundernas bedömning")
    _text(pdf, evaluation.customer_assessment)
    _heading(pdf, "Slutsatser")
    _text(pdf, evaluation.conclusions)
    _heading(pdf, "Överenskomna åtgärder")
    pdf.set_font("Helvetica", "B", 8)
    for head, w in (("Åtgärd", 130), ("Ansvarig", 70), ("Klart senast", 30), ("Klar", 30)):
        pdf.cell(w, 6, _t(head), border="B")
    pdf.ln()
    pdf.set_font("Helvetica", size=8)
    for action in evaluation.actions.select_related("owner_party"):
        pdf.cell(130, 5, _t(action.description[:90]))
        pdf.cell(70, 5, _t(f"{action.owner_name}, {action.owner_party.name}"[:48]))
        pdf.cell(30, 5, _t(action.due_on.isoformat()))
        pdf.cell(30, 5, _t(action.done_on.isoformat() if action.done_on else "-"))
        pdf.ln()
    return bytes(pdf.output())
