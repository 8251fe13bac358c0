from django.urls import path

from medtek.decommissioning import views

app_name = "decommissioning"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("items/<int:item_id>/", views.item_detail, name="item_detail"),
    path("items/<int:item_id>/assessment/", views.item_assess, name="item_assess"),
    path("items/<int:item_id>/decision/", views.item_decide, name="item_decide"),
    path("items/<int:item_id>/steps/", views.item_step, name="item_step"),
    path("items/<int:item_id>/hand-over/", views.item_hand_over, name="item_hand_over"),
    path("shipments/", views.shipment_list, name="shipment_list"),
    path("aid-agreements/", views.aid_agreement_list, name="aid_agreement_list"),
    path("aid-agreements/new/", views.aid_agreement_new, name="aid_agreement_new"),
    path("aid-agreements/<int:aid_agreement_id>/edit/", views.aid_agreement_edit, name="aid_agreement_edit"),
    path("fixed-assets/", views.fixed_asset_disposals, name="fixed_asset_disposals"),
    path("shipments/new/", views.shipment_new, name="shipment_new"),
    path("shipments/<int:shipment_id>/", views.shipment_detail, name="shipment_detail"),
    path("shipments/<int:shipment_id>/hand-over/", views.shipment_hand_over, name="shipment_hand_over"),
    path("shipments/<int:shipment_id>/follow-up/", views.shipment_follow_up, name="shipment_follow_up"),
    path(
        "shipments/<int:shipment_id>/manifest.pdf",
        views.shipment_manifest,
        {"fmt": "pdf"},
        name="shipment_manifest_pdf",
    ),
    path(
        "shipments/<int:shipment_id>/manifest.xlsx",
        views.shipment_manifest,
        {"fmt": "xlsx"},
        name="shipment_manifest_xlsx",
    ),
    path("report/", views.donation_report, name="donation_report"),
    path("report.pdf", views.donation_report, {"fmt": "pdf"}, name="donation_report_pdf"),
    path("report.xlsx", views.donation_report, {"fmt": "xlsx"}, name="donation_report_xlsx"),
]
