"""The records whose every change is kept in the history, and whose history it is.

The one place to add a model to the history: name it in `TRACKED` with the path from its rows to
the village they belong to and to the town (for a town's own records, e.g. a template catalogue).
A change is then readable by that village's clerks and that town's officers; one with neither is
the site's and only superusers read it. `register_tracked` runs once, when the app is ready.

Fields the ledger or the shop's stock movements keep (score, balance, stock) are left out: their
history is the books themselves. Secrets (a lookup PIN's hash, a card's code) are kept as the fact
that they changed, never the value. Many-to-many fields named in `m2m` (who keeps a village, a
town, a shop; a user's roles) record each person added or removed.
"""

from dataclasses import dataclass

from auditlog.registry import auditlog
from django.apps import apps

SELF = "self"  # a path naming the row itself: a village's own record is that village's


@dataclass(frozen=True)
class Scope:
    village: str = ""  # dotted attributes from a row to its Village, "" when it has none
    town: str = ""  # likewise to its Town, when it belongs to a town rather than a village
    exclude: tuple[str, ...] = ()
    secret: tuple[str, ...] = ()
    m2m: tuple[str, ...] = ()


TRACKED: dict[str, Scope] = {
    "credits.Catalogue": Scope(village="village", town="town"),
    "credits.CatalogueVersion": Scope(village="catalogue.village", town="catalogue.town"),
    "credits.Domain": Scope(village="version.catalogue.village", town="version.catalogue.town"),
    "credits.Rule": Scope(village="version.catalogue.village", town="version.catalogue.town"),
    "households.StarLevel": Scope(village="village"),
    "households.County": Scope(m2m=("officers",)),
    "households.Town": Scope(town=SELF, m2m=("officers",)),
    "households.Village": Scope(village=SELF, m2m=("clerks",)),
    "households.Household": Scope(
        village="village",
        exclude=("score", "balance", "chain_head", "head_initials", "number_key", "created_at"),
        secret=("pin_hash", "card_token"),
    ),
    "public.BoardSettings": Scope(village="village"),
    "cases.ProcessSettings": Scope(village="village", m2m=("reviewers",)),
    "cases.Case": Scope(village="village"),
    "exchange.Shop": Scope(village="village", m2m=("shopkeepers",)),
    "exchange.Product": Scope(village="shop.village", exclude=("stock",)),
    # The stored files' names are the storage's business; the row says what was uploaded, by whom.
    "evidence.Evidence": Scope(village="household.village", exclude=("file", "display")),
    "activities.Activity": Scope(village="village", m2m=("organisers",)),
    "activities.Signup": Scope(village="activity.village"),
    "auth.User": Scope(
        exclude=("last_login", "date_joined"), secret=("password",), m2m=("groups", "user_permissions")
    ),
}

HIDDEN = "******"


def hidden(value: str) -> str:
    """What the history shows of a secret: whether it was set, not what it was.

    auditlog hands over each value as text, so a row being created has "None" as its old value.
    """
    return "" if value in ("", "None") else HIDDEN


def register_tracked() -> None:
    for label, scope in TRACKED.items():
        model = apps.get_model(label)
        # Rows pointing at this one (a household's entries, a product's movements) are not its fields.
        reverse = [field.name for field in model._meta.get_fields() if field.auto_created and not field.concrete]
        auditlog.register(
            model,
            exclude_fields=[*scope.exclude, *reverse],
            mask_fields=list(scope.secret),
            mask_callable="history.tracked.hidden",
            m2m_fields=set(scope.m2m),
        )


def scope_of(instance) -> tuple[object | None, object | None]:
    """(village, town) a tracked row belongs to; the town is the village's when it has one."""
    scope = TRACKED.get(instance._meta.label)
    if scope is None:
        return None, None
    village = _follow(instance, scope.village)
    town = village.town if village is not None else _follow(instance, scope.town)
    return village, town


def _follow(instance, path: str):
    if path == SELF:
        return instance
    target = instance
    for name in filter(None, path.split(".")):
        target = getattr(target, name, None)
        if target is None:
            return None
    return target if path else None
