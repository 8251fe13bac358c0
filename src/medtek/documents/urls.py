from django.urls import path

from medtek.documents import views
from medtek.documents.choices import TargetType

app_name = "documents"
urlpatterns = [
    path(
        "documents/devices/<int:device_id>/upload/",
        views.upload,
        {"target_type": TargetType.DEVICE},
        name="device_upload",
    ),
    path(
        "documents/work-orders/<int:work_order_id>/upload/",
        views.upload,
        {"target_type": TargetType.WORK_ORDER},
        name="work_order_upload",
    ),
    path(
        "documents/items/<int:item_id>/upload/",
        views.upload,
        {"target_type": TargetType.SURPLUS_ITEM},
        name="item_upload",
    ),
    path(
        "documents/agreements/<int:agreement_id>/upload/",
        views.upload,
        {"target_type": TargetType.AGREEMENT},
        name="agreement_upload",
    ),
    path(
        "documents/invoices/<int:invoice_id>/upload/",
        views.upload,
        {"target_type": TargetType.INVOICE},
        name="invoice_upload",
    ),
    path("documents/files/<int:attachment_id>/", views.download, name="download"),
    path("documents/files/<int:attachment_id>/remove/", views.remove, name="remove"),
    path("labels/", views.label_sheet, name="label_sheet"),
    path("labels/devices/<int:device_id>/", views.device_label, name="device_label"),
    path("labels/devices/<int:device_id>/qr.svg", views.device_qr, name="device_qr"),
    path("labels/d/<str:asset>/", views.scan_label, name="scan_label"),
]
