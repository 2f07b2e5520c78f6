from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "history"
    verbose_name = _("History of changes")

    def ready(self):
        from history.tracked import register_tracked

        register_tracked()
