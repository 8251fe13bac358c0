from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "medtek.core"
    label = "core"
    verbose_name = "medtek core"
