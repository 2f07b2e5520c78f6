"""The village shop (兑换超市): goods, their stock, and redemptions of points for goods.

Design overview
---------------
A `Shop` belongs to a village and is kept by its shopkeepers. A `Product` carries a points price
and a cached `stock`, which equals the sum of the product's `StockMovement` rows (restocks,
redemptions, voids, stocktake adjustments), each recording who, when and why. A `Redemption` is
one sale at the counter: its lines *snapshot* the product's name, unit and price, so later edits
never rewrite a receipt, and it points at the ledger entry that took the points (the exchange
never writes ledger rows itself; it calls `credits.services`). A redemption is voided by adding a
`RedemptionVoid`, which points at the ledger reversal that returned the points; the goods come
back through new stock movements. Movements, redemptions, their lines and voids are append-only,
enforced by database triggers (`exchange/sql/`).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credits.models import Entry
from households.models import Household, Village
from households.validators import printable


class Shop(models.Model):
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="shops", verbose_name=_("village"))
    name = models.CharField(_("name"), max_length=50, validators=[printable])
    shopkeepers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="shops", verbose_name=_("shopkeepers")
    )
    active = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["village", "name"]
        constraints = [models.UniqueConstraint(fields=["village", "name"], name="shop_name_unique_in_village")]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="products", verbose_name=_("shop"))
    name = models.CharField(_("name"), max_length=50, validators=[printable])
    unit = models.CharField(
        _("unit"), max_length=10, help_text=_("e.g. bag, bottle, piece"), validators=[printable]
    )
    price = models.PositiveIntegerField(_("price in points"))
    stock = models.IntegerField(_("stock"), default=0, editable=False)
    low_stock = models.PositiveIntegerField(_("low-stock threshold"), default=5)
    active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["shop", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "name"], name="product_name_unique_in_shop"),
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(condition=models.Q(price__gte=1), name="product_price_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_low(self) -> bool:
        return self.stock <= self.low_stock


class Redemption(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("household")
    )
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("shop"))
    shopkeeper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("shopkeeper")
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    total = models.PositiveIntegerField(_("total points"))
    entry = models.OneToOneField(
        Entry, on_delete=models.PROTECT, related_name="redemption", verbose_name=_("ledger entry")
    )
    # A retried submission carries the same key and finds this redemption instead of making another.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    # Not stored: True on the redemption `redemption_create` hands back to such a retry.
    replayed = False

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["shopkeeper", "idempotency_key"], name="redemption_key_unique_per_user"),
        ]
        indexes = [models.Index(fields=["shop", "-id"], name="redemption_shop_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.shop_id:03d}-{self.pk:07d}"


class RedemptionLine(models.Model):
    redemption = models.ForeignKey(
        Redemption, on_delete=models.PROTECT, related_name="lines", verbose_name=_("redemption")
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    name = models.CharField(_("name"), max_length=50)
    unit = models.CharField(_("unit"), max_length=10)
    unit_price = models.PositiveIntegerField(_("unit price"))
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("redemption line")
        verbose_name_plural = _("redemption lines")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gte=1), name="line_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"

    @property
    def amount(self) -> int:
        return self.unit_price * self.quantity


class RedemptionVoid(models.Model):
    redemption = models.OneToOneField(
        Redemption, on_delete=models.PROTECT, related_name="void", verbose_name=_("redemption")
    )
    reason = models.CharField(_("reason"), max_length=200, validators=[printable])
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("voided by")
    )
    voided_at = models.DateTimeField(_("voided at"), default=timezone.now, editable=False)
    entry = models.OneToOneField(
        Entry, on_delete=models.PROTECT, related_name="redemption_void", verbose_name=_("ledger reversal")
    )

    class Meta:
        verbose_name = _("void")
        verbose_name_plural = _("voids")

    def __str__(self) -> str:
        return f"{self.redemption} ({self.reason})"


class StockMovement(models.Model):
    class Kind(models.TextChoices):
        RESTOCK = "restock", _("restock")
        REDEMPTION = "redemption", _("redemption")
        VOID = "void", _("void")
        STOCKTAKE = "stocktake", _("stocktake adjustment")

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="movements", verbose_name=_("product"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    quantity = models.IntegerField(_("quantity"), help_text=_("Positive into stock, negative out of it."))
    stock_after = models.IntegerField(_("stock after"))
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[printable])
    redemption = models.ForeignKey(
        Redemption,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name=_("redemption"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(quantity=0), name="movement_quantity_nonzero"),
            models.CheckConstraint(condition=models.Q(stock_after__gte=0), name="movement_stock_not_negative"),
        ]
        indexes = [models.Index(fields=["product", "-id"], name="movement_product_idx")]

    def __str__(self) -> str:
        return f"{self.product} {self.quantity:+d}"
