from django.urls import path

from medtek.billing import views

app_name = "billing"
urlpatterns = [
    path("", views.invoice_list, name="invoice_list"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/<int:run_id>/invoices.zip", views.run_invoices_zip, name="run_invoices_zip"),
    path("runs/<int:run_id>/invoices.xlsx", views.run_invoices_xlsx, name="run_invoices_xlsx"),
    path("basis/", views.basis_report, name="basis_report"),
    path("invoices/<int:invoice_id>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:invoice_id>/issue/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:invoice_id>/credit/", views.invoice_credit, name="invoice_credit"),
    path("invoices/<int:invoice_id>/basis/", views.invoice_basis, name="invoice_basis"),
    path("invoices/<int:invoice_id>/peppol.xml", views.invoice_xml, name="invoice_xml"),
    path("invoices/<int:invoice_id>/invoice.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:invoice_id>/lines.csv", views.invoice_csv, name="invoice_csv"),
    path("invoices/<int:invoice_id>/lines.xlsx", views.invoice_xlsx, name="invoice_xlsx"),
]
