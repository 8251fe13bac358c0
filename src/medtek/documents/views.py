"""Pages of attachments and labels: upload to an object, download through the object's scope, remove,
label PDFs and the address a label's QR code opens."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from medtek.core import downloads
from medtek.core.forms import handle_form
from medtek.documents import rules, selectors, services
from medtek.documents.choices import LabelFormat, TargetType
from medtek.documents.forms import AttachmentForm, RemoveForm
from medtek.documents.panels import panel_context, step_choices
from medtek.documents.storage import attachment_storage
from medtek.documents.targets import TARGETS
from medtek.inventory.filters import DeviceFilter
from medtek.inventory.forms import field_label
from medtek.inventory.models import Device
from medtek.inventory.selectors import device_queryset
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for

# Shown in the browser rather than downloaded: pictures only (never a PDF or document, which could act).
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


@login_required
def upload(request: HttpRequest, target_type: str, **kwargs: Any) -> HttpResponse:
    target = TARGETS[target_type]
    obj = target.get(request.user, next(iter(kwargs.values())))
    if request.method != "POST":
        return redirect(target.url(obj) + "#attachments")
    target.require_change(request.user, obj)
    form = AttachmentForm(
        request.POST, request.FILES, target_type=target_type, step_choices=step_choices(target_type, obj)
    )

    def attach(data: dict[str, Any]) -> Any:
        to_model = bool(data.get("for_model"))
        return services.attachment_add(
            user=request.user,
            target_type=TargetType.DEVICE_MODEL if to_model else target_type,
            target=obj.model if to_model else obj,
            upload=data["file"],
            kind=data["kind"],
            step=data.get("step") or "",
            device_id=obj.pk if to_model else None,
        )

    def attached(attachment: Any) -> HttpResponse:
        messages.success(request, _("%(name)s attached.") % {"name": attachment.name})
        return redirect(target.url(obj) + "#attachments")

    def again(form: AttachmentForm) -> HttpResponse:
        context = panel_context(request, obj, form=form)
        context["back_url"] = target.url(obj)
        return render(request, "documents/upload.html", context)

    return handle_form(request, form, attach, done=attached, again=again, label=field_label)


def _open(request: HttpRequest, attachment_id: int) -> Any:
    attachment, _target = selectors.attachment_get(user=request.user, pk=attachment_id)
    if attachment.removed_at is not None:
        raise Http404("The file has been removed.")
    return attachment


@login_required
@require_GET
def download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = _open(request, attachment_id)
    inline = request.GET.get("inline") == "1" and attachment.content_type in INLINE_TYPES
    response = FileResponse(
        attachment_storage().open(attachment.key, "rb"),
        as_attachment=not inline,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def remove(request: HttpRequest, attachment_id: int) -> HttpResponse:
    attachment, obj = selectors.attachment_get(user=request.user, pk=attachment_id)
    if attachment.target_type == TargetType.DEVICE_MODEL:
        back = reverse("inventory:device_list")
        if attachment.device_id_hint:
            back = reverse("inventory:device_detail", kwargs={"device_id": attachment.device_id_hint})
        if request.method != "POST":
            return redirect(back + "#attachments")
        scope_for(request.user).require(Cap.REGISTER_EDIT)
    else:
        target = TARGETS[attachment.target_type]
        back = target.url(obj)
        if request.method != "POST":
            return redirect(back + "#attachments")
        target.require_change(request.user, obj)
    form = RemoveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.attachment_remove(user=request.user, attachment=attachment, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s removed.") % {"name": attachment.name})
    return redirect(back + "#attachments")


# --- labels ---------------------------------------------------------------------------------------


def _label_format(request: HttpRequest) -> str:
    value = request.GET.get("format") or LabelFormat.A4
    return value if value in LabelFormat.values else ""


@login_required
@require_GET
def device_label(request: HttpRequest, device_id: int) -> HttpResponse:
    from medtek.documents import labels

    device = TARGETS[TargetType.DEVICE].get(request.user, device_id)
    label_format = _label_format(request)
    if not label_format:
        return HttpResponse(_("Unknown label format."), status=422, content_type="text/plain; charset=utf-8")
    return downloads.download(
        labels.labels_pdf([labels.label_of(device)], label_format),
        f"label-{device.asset_number}.pdf",
        inline=True,
    )


@login_required
@require_GET
def device_qr(request: HttpRequest, device_id: int) -> HttpResponse:
    from medtek.documents import labels

    device = TARGETS[TargetType.DEVICE].get(request.user, device_id)
    return HttpResponse(labels.qr_svg(labels.label_url(device.asset_number)), content_type="image/svg+xml")


@login_required
@require_GET
def label_sheet(request: HttpRequest) -> HttpResponse:
    """Labels for the devices of the device list's filters (the same filters, the same scope), bounded."""
    from medtek.documents import labels

    label_format = _label_format(request)
    try:
        filters = DeviceFilter.from_params(request.GET)
    except ValidationError as exc:
        return _refused_sheet(request, " ".join(exc.messages))
    if not label_format:
        return _refused_sheet(request, _("Unknown label format."))
    rows = device_queryset(user=request.user, filters=filters)
    count = rows.count()
    refusal = rules.label_count_refusal(count)
    if refusal:
        return _refused_sheet(request, refusal, count=count)
    devices = rows.select_related("model__manufacturer", "owner").order_by(*filters.order)
    return downloads.download(
        labels.labels_pdf((labels.label_of(d) for d in devices), label_format), "labels.pdf", inline=True
    )


def _refused_sheet(request: HttpRequest, message: str, count: int | None = None) -> HttpResponse:
    back = reverse("inventory:device_list")
    query = {k: v for k, v in request.GET.items() if k not in {"format", "cursor"}}
    return render(
        request,
        "documents/label_refused.html",
        {"message": message, "back_url": f"{back}?{urlencode(query)}" if query else back, "count": count},
        status=422,
    )


@login_required
@require_GET
def scan_label(request: HttpRequest, asset: str) -> HttpResponse:
    """Where a label's QR code leads: the device page for those who work on it; the fault report for
    it for a customer's contact; for anyone else, the fault report of their own organisation (a label
    of a device they may not see tells them nothing about it)."""
    asset_number = unquote(asset)
    scope = scope_for(request.user)
    device = Device.objects.visible_to(request.user).filter(asset_number=asset_number).first()
    report = reverse("maintenance:report")
    if device is not None:
        works_on_it = scope.can(Cap.WORK_DO, device.owner_id) or scope.can(Cap.REGISTER_EDIT, device.owner_id)
        if works_on_it or not scope.can(Cap.WORK_REPORT, device.owner_id):
            return redirect("inventory:device_detail", device_id=device.pk)
        return redirect(f"{report}?{urlencode({'device': device.pk})}")
    if scope.can(Cap.WORK_REPORT):
        messages.info(
            request,
            _("The label %(code)s is not a device of your organisation; report the fault for your own.")
            % {"code": asset_number},
        )
        return redirect(report)
    raise Http404("No device matches the given query.")
