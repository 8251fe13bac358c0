"""Attachments and scanning in a real browser, on the demo data: a technician's phone photo from a work
order shows on the device; a label's QR code, read by the scan box's decoder from a picture, opens the
fault report for a customer's contact."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import segno
from PIL import Image, ImageDraw


def photo(path: Path) -> Path:
    image = Image.new("RGB", (640, 480), (200, 210, 220))
    ImageDraw.Draw(image).rectangle((100, 100, 540, 380), fill=(40, 60, 90))
    image.save(path, "JPEG")
    return path


def label_picture(path: Path, url: str, asset_number: str) -> Path:
    """A picture of a printed label: white paper, the QR code and the asset number beside it."""
    qr = io.BytesIO()
    segno.make_qr(url, error="m").save(qr, kind="png", scale=8, border=4)
    code = Image.open(io.BytesIO(qr.getvalue())).convert("RGB")
    label = Image.new("RGB", (code.width + 420, code.height + 40), "white")
    label.paste(code, (20, 20))
    ImageDraw.Draw(label).text((code.width + 40, 60), asset_number, fill="black")
    label.save(path, "PNG")
    return path


def test_a_technicians_photo_from_a_work_order_shows_on_the_device(
    page: Any, login: Any, tmp_path: Path
) -> None:
    login(page, "mth-tech")
    page.goto("/devices/")
    device_url = page.locator("table.devices tbody a").first.get_attribute("href")
    device_id = re.search(r"/devices/(\d+)/", device_url).group(1)
    page.goto(f"/maintenance/report/?device={device_id}")
    page.fill("input[name=title]", "Display flimrar")
    page.fill("textarea[name=description]", "Skärmen flimrar vid uppstart.")
    page.locator("form:has(input[name=title]) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/maintenance/\d+/$"))
    work_order_url = page.url

    # The phone's camera button is a file input that asks for the camera and sends the photo at once.
    camera = page.locator("#attachments input[type=file][capture]")
    assert camera.get_attribute("accept") == "image/*"
    camera.set_input_files(str(photo(tmp_path / "IMG_2041.jpg")))
    page.wait_for_url(re.compile(r"/maintenance/\d+/#attachments$"))
    assert "IMG_2041.jpg" in page.locator("#attachments").inner_text()
    assert page.url.startswith(work_order_url)

    page.goto(device_url)
    thumb = page.locator("#attachments img.thumb")
    assert thumb.count() == 1
    thumb.scroll_into_view_if_needed()  # the thumbnail loads lazily, when it comes into view
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())


def test_a_manual_uploaded_on_the_device_page_is_downloadable(page: Any, login: Any, tmp_path: Path) -> None:
    login(page, "mt-tech")
    page.goto("/devices/")
    page.locator("table.devices tbody a").first.click()
    manual = tmp_path / "bruksanvisning.pdf"
    manual.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    form = page.locator("#attachments form.upload")
    form.locator("input[name=file]").set_input_files(str(manual))
    form.locator("select[name=kind]").select_option("manual")
    form.locator("input[name=for_model]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"#attachments$"))
    link = page.locator("#attachments a", has_text="bruksanvisning.pdf")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "bruksanvisning.pdf"


def test_berg_scanning_a_berg_label_lands_on_the_fault_report(page: Any, login: Any, tmp_path: Path) -> None:
    login(page, "berg")
    page.goto("/devices/")
    first = page.locator("table.devices tbody a").first
    asset_number = first.inner_text().strip()
    device_id = re.search(r"/devices/(\d+)/", first.get_attribute("href")).group(1)
    # The label as printed names the production address; the scan box opens the label's path here.
    picture = label_picture(
        tmp_path / "label.png", f"https://medtek.example.se/labels/d/{asset_number}/", asset_number
    )

    page.goto("/")
    box = page.locator("[data-scan]").first
    box.locator("input[data-scan-photo]").set_input_files(str(picture))
    page.wait_for_url(re.compile(r"/maintenance/report/\?device=" + device_id + "$"), timeout=30_000)
    assert asset_number in page.content()


def test_a_scanned_code_that_is_no_device_says_what_was_read_and_offers_to_register(
    page: Any, login: Any, tmp_path: Path
) -> None:
    login(page, "mt-tech")
    path = label_picture(tmp_path / "unknown.png", "OKAND-4711", "OKAND-4711")
    page.goto("/devices/")
    page.locator("[data-scan] input[data-scan-photo]").first.set_input_files(str(path))
    page.wait_for_url(re.compile(r"/devices/find/\?code=OKAND-4711$"), timeout=30_000)
    assert "OKAND-4711" in page.locator("#not-found").inner_text()
    page.locator("#register-scanned").click()
    assert page.locator("input[name=asset_number]").input_value() == "OKAND-4711"
