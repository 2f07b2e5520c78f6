"""What each person may read through the API, across the apps, from the apps' own selectors.

Clerks and officers read their villages (`villages_for`); a shopkeeper reads the households of
the village their shop serves (what the counter shows), the shop's goods and its redemptions, and
nothing of the ledger. The API sits above every app, so this is the one place that joins the
shop's scope to the villages' without the apps importing each other upward.
"""

from django.db.models import Q, QuerySet

from exchange.models import Product, Redemption, Shop
from exchange.selectors import shops_for, shops_readable_by
from households.models import Household, Village
from households.selectors import villages_for


def readable_villages(user) -> QuerySet[Village]:
    shop_villages = shops_for(user).values("village")
    return Village.objects.filter(Q(pk__in=villages_for(user).values("pk")) | Q(pk__in=shop_villages))


def readable_households(user) -> QuerySet[Household]:
    return Household.objects.filter(village__in=readable_villages(user))


def readable_shops(user) -> QuerySet[Shop]:
    return Shop.objects.filter(Q(pk__in=shops_readable_by(user).values("pk")) | Q(pk__in=shops_for(user).values("pk")))


def readable_products(user) -> QuerySet[Product]:
    return Product.objects.filter(shop__in=readable_shops(user))


def readable_redemptions(user) -> QuerySet[Redemption]:
    return Redemption.objects.filter(shop__in=readable_shops(user))
