"""Refusals at the shop."""

from django.utils.translation import gettext_lazy as _

from households.errors import DomainError


class OutOfStock(DomainError):
    code = "out_of_stock"
    default_message = _("Not enough “%(product)s” in stock: %(stock)s left, %(wanted)s wanted.")


class ProductRetired(DomainError):
    code = "product_retired"
    default_message = _("“%(product)s” is no longer on sale.")


class PriceChanged(DomainError):
    code = "price_changed"
    default_message = _(
        "The price of “%(product)s” has changed from %(was)s to %(now)s points since the page was opened. "
        "Check the total with the villager and confirm again."
    )


class EmptyRedemption(DomainError):
    code = "empty_redemption"
    default_message = _("Choose at least one item.")


class BadQuantity(DomainError):
    code = "bad_quantity"
    default_message = _("Quantities must be whole numbers from 1 to 999.")


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    default_message = _("This submission key was already used for a different redemption.")


class AlreadyVoided(DomainError):
    code = "already_voided"
    default_message = _("This redemption has already been voided.")


class NotYourShop(DomainError):
    code = "not_your_shop"
    default_message = _("This shop or household is not yours to serve.")


class UnknownProduct(DomainError):
    code = "unknown_product"
    default_message = _("A chosen item is not sold in this shop.")


class ProductNameTaken(DomainError):
    code = "product_name_taken"
    default_message = _("The shop already sells a product named “%(name)s”.")


class BadPrice(DomainError):
    code = "bad_price"
    default_message = _("A price is a whole number of points from 1 to 100000.")
