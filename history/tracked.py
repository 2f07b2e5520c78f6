"""The records whose every change is kept in the history, and whose history it is.

The one place to add a model to the history: name it in `TRACKED` with the path from its rows to
the village they belong to and to the town (for a town's own records, e.g. a template catalogue).
A change is then readable by that village's clerks and that town's officers; one with neither is
the site's and only superusers read it. `register_tracked` runs once, when the app is ready.
"""

from dataclasses import dataclass

from auditlog.registry import auditlog
from django.apps import apps


@dataclass(frozen=True)
class Scope:
    village: str = ""  # dotted attributes from a row to its Village, "" when it has none
    town: str = ""  # likewise to its Town, when it belongs to a town rather than a village


TRACKED: dict[str, Scope] = {
    "credits.Domain": Scope(),
    "credits.Rule": Scope(),
    "households.StarLevel": Scope(village="village"),
}


def register_tracked() -> None:
    for label in TRACKED:
        auditlog.register(apps.get_model(label))


def scope_of(instance) -> tuple[object | None, object | None]:
    """(village, town) a tracked row belongs to; the town is the village's when it has one."""
    scope = TRACKED.get(instance._meta.label)
    if scope is None:
        return None, None
    village = _follow(instance, scope.village)
    town = village.town if village is not None else _follow(instance, scope.town)
    return village, town


def _follow(instance, path: str):
    target = instance
    for name in filter(None, path.split(".")):
        target = getattr(target, name, None)
        if target is None:
            return None
    return target if path else None
