"""The counter's form: a quantity for each product on sale, and the submission's key."""

import uuid

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from exchange.services import MAX_QUANTITY


def new_key() -> str:
    return uuid.uuid4().hex


class RedemptionForm(forms.Form):
    key = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        validators=[RegexValidator(r"^[A-Za-z0-9_-]{8,64}$", _("The form has expired; please try again."))],
    )

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.products = products
        for product in products:
            # The price the page showed, posted back so that a price changed meanwhile is refused.
            # The template writes the current price, not the posted one, so a refused page shows
            # and carries the new price.
            self.fields[self.price_name(product)] = forms.IntegerField(required=False, widget=forms.HiddenInput)
            self.fields[self.field_name(product)] = forms.IntegerField(
                label=product.name,
                min_value=0,
                max_value=MAX_QUANTITY,
                initial=0,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "q"}),
            )

    @staticmethod
    def field_name(product) -> str:
        return f"qty_{product.pk}"

    @staticmethod
    def price_name(product) -> str:
        return f"price_{product.pk}"

    def rows(self):
        """Each product on sale with its bound quantity field, for the template's tiles."""
        return [(product, self[self.field_name(product)]) for product in self.products if product.active]

    def quantities(self) -> list[tuple[int, int]]:
        return [(product.pk, self.cleaned_data.get(self.field_name(product)) or 0) for product in self.products]

    def prices_seen(self) -> dict[int, int]:
        seen = {product.pk: self.cleaned_data.get(self.price_name(product)) for product in self.products}
        return {pk: price for pk, price in seen.items() if price is not None}
