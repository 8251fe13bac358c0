"""Files handed to the user: the type from the name, the name intact in any language."""

from __future__ import annotations

from django.http import StreamingHttpResponse

from medtek.core.downloads import as_attachment, download


def test_a_swedish_file_name_reaches_the_browser_intact() -> None:
    response = download(b"%PDF-1.7", "utvärdering-Östersund-2026.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''utv%C3%A4rdering-%C3%96stersund-2026.pdf"
    )


def test_the_type_follows_the_extension() -> None:
    assert download("a;b\n", "fakturarader.csv")["Content-Type"] == "text/csv; charset=utf-8"
    assert download(b"<x/>", "faktura.xml")["Content-Disposition"] == 'attachment; filename="faktura.xml"'
    xlsx = download(b"PK", "manifest-7.XLSX")
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_streamed_export_is_marked_as_a_file_too() -> None:
    response = as_attachment(StreamingHttpResponse(iter([b"a\n"])), "inventarier-2026-12-02.csv")
    assert response["Content-Disposition"] == 'attachment; filename="inventarier-2026-12-02.csv"'


def test_a_label_sheet_opens_in_the_browser_under_its_name() -> None:
    response = download(b"%PDF-1.7", "etiketter-BA0001.pdf", inline=True)
    assert response["Content-Disposition"] == 'inline; filename="etiketter-BA0001.pdf"'
