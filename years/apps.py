from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YearsConfig(AppConfig):
    name = "years"
    verbose_name = _("Village years")
