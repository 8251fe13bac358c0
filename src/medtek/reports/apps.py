from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "medtek.reports"
    label = "reports"
