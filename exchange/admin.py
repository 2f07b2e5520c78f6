"""The shop in the clerk's admin: shops, goods and their stock, redemptions and voids.

Everything is scoped to the user's villages. Stock is never typed in: it moves by restock and
stocktake pages that call `exchange.services`, and a redemption is undone only by a void, which
returns the points and the goods through new rows.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credits.admin import pages
from exchange.models import Product, Redemption, RedemptionLine, Shop, StockMovement
from exchange.resources import RedemptionExportResource
from exchange.services import product_restock, product_stocktake, redemption_void
from households.admin import AppendOnlyAdmin, HouseholdRowSearch, ScopedAdmin, may_write, person
from households.errors import DomainError
from households.exports import SheetExportMixin
from households.selectors import villages_for
from households.validators import printable


class RestockForm(forms.Form):
    quantity = forms.IntegerField(label=gettext_lazy("Quantity received"), min_value=1, max_value=100_000)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False, validators=[printable])


class StocktakeForm(forms.Form):
    counted = forms.IntegerField(label=gettext_lazy("Counted on the shelf"), min_value=0, max_value=1_000_000)
    note = forms.CharField(label=gettext_lazy("Reason for the difference"), max_length=200, validators=[printable])


class VoidForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, validators=[printable])


def form_page(model_admin, request, **kwargs):
    """The ledger's one-form admin page, in the shop's template: its breadcrumbs lead back to the
    shop's lists, and it shows the product or the redemption the form acts on."""
    response = pages.form_page(model_admin, request, **kwargs)
    response.template_name = "admin/exchange/form_page.html"
    return response


class ShopScopedAdmin(ScopedAdmin):
    """Rows of the shops in the user's villages; changes only where the user keeps the village."""

    village_path = "shop__village"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(**{f"{self.village_path}__in": villages_for(request.user)})

    def village_id_of(self, obj) -> int:
        return obj.shop.village_id

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_write(request, self.village_id_of(obj)))


@admin.register(Shop)
class ShopAdmin(ShopScopedAdmin):
    village_path = "village"
    list_display = ("name", "village", "active")
    list_select_related = ("village",)
    filter_horizontal = ("shopkeepers",)

    def village_id_of(self, obj) -> int:
        return obj.village_id

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "village":
            kwargs["queryset"] = villages_for(request.user, write=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "shopkeepers":
            # Only shopkeepers are offered: a clerk need not see every account of the county.
            kwargs["queryset"] = User.objects.filter(groups__name="shopkeeper", is_active=True).order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False


class LowStockFilter(admin.SimpleListFilter):
    title = gettext_lazy("stock")
    parameter_name = "low"

    def lookups(self, request, model_admin):
        return [("1", gettext_lazy("At or below the threshold"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(stock__lte=F("low_stock"))
        return queryset


@admin.register(Product)
class ProductAdmin(ShopScopedAdmin):
    list_display = ("name", "shop", "price", "unit", "stock_flagged", "low_stock", "active", "stock_actions")
    # Only the shops of the user's villages as choices: a plain filter would list every shop.
    list_filter = (LowStockFilter, "active", ("shop", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("shop",)
    search_fields = ("name",)
    fields = ("shop", "name", "unit", "price", "low_stock", "active", "position", "stock")
    readonly_fields = ("stock",)

    def get_queryset(self, request):
        # Whether the user may restock and count each product: the links show only where they may.
        may_move = request.user.has_perm("exchange.add_stockmovement")
        movable = Q(shop__village__in=villages_for(request.user, write=True)) if may_move else Q(pk__in=[])
        return super().get_queryset(request).annotate(movable=ExpressionWrapper(movable, output_field=BooleanField()))

    def get_readonly_fields(self, request, obj=None):
        # A product stays in the shop it was first stocked in; its movements belong there.
        return ("stock", "shop") if obj else ("stock",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "shop":
            kwargs["queryset"] = Shop.objects.filter(village__in=villages_for(request.user, write=True))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("stock"), ordering="stock")
    def stock_flagged(self, product):
        if product.is_low:
            return format_html('<strong style="color:#b3261e">⚠ {}</strong>', product.stock)
        return product.stock

    @admin.display(description="", empty_value="")
    def stock_actions(self, product):
        if not product.movable:
            return ""
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:exchange_product_restock", args=[product.pk]),
            _("Restock"),
            reverse("admin:exchange_product_stocktake", args=[product.pk]),
            _("Stocktake"),
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/restock/",
                self.admin_site.admin_view(self.restock_view),
                name="exchange_product_restock",
            ),
            path(
                "<int:object_id>/stocktake/",
                self.admin_site.admin_view(self.stocktake_view),
                name="exchange_product_stocktake",
            ),
            *super().get_urls(),
        ]

    def _product_to_move(self, request, object_id) -> Product:
        product = get_object_or_404(self.get_queryset(request).select_related("shop"), pk=object_id)
        if not (request.user.has_perm("exchange.add_stockmovement") and may_write(request, product.shop.village_id)):
            raise PermissionDenied
        return product

    def restock_view(self, request, object_id):
        product = self._product_to_move(request, object_id)
        form = RestockForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                movement = product_restock(product=product, by=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                message = _("%(product)s restocked: %(stock)s in stock.")
                self.message_user(request, message % {"product": product.name, "stock": movement.stock_after})
                return redirect("admin:exchange_product_changelist")
        return self._form_page(request, form, product, _("Restock %(product)s"), _("Restock"))

    def stocktake_view(self, request, object_id):
        product = self._product_to_move(request, object_id)
        form = StocktakeForm(request.POST or None, initial={"counted": product.stock})
        if request.method == "POST" and form.is_valid():
            try:
                movement = product_stocktake(product=product, by=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                if movement is None:
                    self.message_user(request, _("The count matches the stock; nothing changed."))
                else:
                    message = _("Stocktake of %(product)s recorded: %(quantity)+d, %(stock)s in stock.")
                    params = {"product": product.name, "quantity": movement.quantity, "stock": movement.stock_after}
                    self.message_user(request, message % params)
                return redirect("admin:exchange_product_changelist")
        return self._form_page(request, form, product, _("Stocktake of %(product)s"), _("Record the count"))

    def _form_page(self, request, form, product, title, submit_label):
        return form_page(
            self,
            request,
            form=form,
            title=title % {"product": product.name},
            submit_label=submit_label,
            product=product,
            subject=product.name,
            cancel_url=reverse("admin:exchange_product_changelist"),
        )


class RedemptionLineInline(admin.TabularInline):
    model = RedemptionLine
    fields = ("name", "unit", "unit_price", "quantity")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        # Lines are part of the redemption, with no permission of their own in the roles:
        # whoever may see the redemption sees what was in it.
        return request.user.has_perm("exchange.view_redemption")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Redemption)
class RedemptionAdmin(SheetExportMixin, HouseholdRowSearch, AppendOnlyAdmin, ShopScopedAdmin):
    list_display = ("number_link", "created_at", "household", "shop", "total", "seller", "voided")
    list_filter = (("shop", admin.RelatedOnlyFieldListFilter), ("created_at", admin.DateFieldListFilter))
    list_select_related = ("household", "shop", "shopkeeper", "void")
    show_full_result_count = False
    fields = ("household", "shop", "shopkeeper", "created_at", "total", "entry", "void_state")
    readonly_fields = fields
    inlines = [RedemptionLineInline]
    change_form_template = "admin/exchange/redemption/change_form.html"

    def get_export_resource_classes(self, request):
        return [RedemptionExportResource]

    @admin.display(description=gettext_lazy("shopkeeper"), ordering="shopkeeper")
    def seller(self, redemption):
        return person(redemption.shopkeeper)

    @admin.display(description=gettext_lazy("No."), ordering="pk")
    def number_link(self, redemption):
        return redemption.number

    @admin.display(description=gettext_lazy("voided"), boolean=True)
    def voided(self, redemption):
        return hasattr(redemption, "void")

    @admin.display(description=gettext_lazy("void"))
    def void_state(self, redemption):
        void = getattr(redemption, "void", None)
        if void:
            return _("Voided by %(user)s at %(time)s: %(reason)s") % {
                "user": void.voided_by,
                "time": void.voided_at.strftime("%Y-%m-%d %H:%M"),
                "reason": void.reason,
            }
        return "-"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["can_void"] = not hasattr(obj, "void") and self._may_void(obj, request)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _may_void(self, redemption, request) -> bool:
        return request.user.has_perm("exchange.add_redemptionvoid") and may_write(request, redemption.shop.village_id)

    def get_urls(self):
        return [
            path("<int:object_id>/void/", self.admin_site.admin_view(self.void_view), name="exchange_redemption_void"),
            *super().get_urls(),
        ]

    def void_view(self, request, object_id):
        redemption = get_object_or_404(self.get_queryset(request).select_related("shop", "household"), pk=object_id)
        if not self._may_void(redemption, request):
            raise PermissionDenied
        form = VoidForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                redemption_void(redemption=redemption, reason=form.cleaned_data["reason"], by=request.user)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                message = _("Redemption %(number)s was voided; points and goods are back.")
                self.message_user(request, message % {"number": redemption.number}, messages.SUCCESS)
                return redirect("admin:exchange_redemption_change", redemption.pk)
        return form_page(
            self,
            request,
            form=form,
            title=_("Void redemption %(number)s") % {"number": redemption.number},
            submit_label=_("Void"),
            redemption=redemption,
            subject=redemption.number,
            cancel_url=reverse("admin:exchange_redemption_change", args=[redemption.pk]),
        )


@admin.register(StockMovement)
class StockMovementAdmin(AppendOnlyAdmin, ShopScopedAdmin):
    village_path = "product__shop__village"
    list_display = ("created_at", "product", "kind", "quantity", "stock_after", "note", "recorder")
    list_filter = ("kind", ("created_at", admin.DateFieldListFilter))
    list_select_related = ("product", "recorded_by")
    search_fields = ("product__name", "note")
    show_full_result_count = False

    @admin.display(description=gettext_lazy("recorded by"), ordering="recorded_by")
    def recorder(self, movement):
        return person(movement.recorded_by)
