"""The API's shop: shops, goods and their stock, redemptions and voids.

Clerks keep their villages' goods and void redemptions; officers read; a shopkeeper reads their
shop's goods and redemptions and redeems, at their own shop only, for households of its village.
`POST /api/redemptions/` needs an `Idempotency-Key`: a retry answers with the first redemption.
"""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.fields import BooleanFilter, IdField, IdFilter, RequestSerializer, TextField, get_in_scope
from api.idempotency import idempotent, key_parameter
from api.permissions import RolePermission
from api.schema import READ, WRITE, errors
from api.scope import readable_households, readable_products, readable_redemptions, readable_shops
from exchange import services
from exchange.models import Product, Redemption, RedemptionLine, Shop


class ShopSerializer(serializers.ModelSerializer):
    village_code = serializers.CharField(source="village.code", read_only=True)

    class Meta:
        model = Shop
        fields = ["id", "village", "village_code", "name", "active"]
        read_only_fields = fields


@extend_schema_view(get=extend_schema(responses={200: ShopSerializer(many=True), **errors(*READ)}))
class ShopList(generics.ListAPIView):
    permission_classes = [RolePermission]
    serializer_class = ShopSerializer

    def get_queryset(self):
        return readable_shops(self.request.user).select_related("village").order_by("village_id", "name", "id")


class ProductSerializer(serializers.ModelSerializer):
    price = serializers.IntegerField(read_only=True, help_text="In points.")

    class Meta:
        model = Product
        fields = ["id", "shop", "name", "unit", "price", "stock", "active"]
        read_only_fields = fields


class ProductWriteSerializer(RequestSerializer):
    shop = IdField()
    name = TextField(max_length=50)
    unit = TextField(max_length=10)
    price = serializers.IntegerField(min_value=1, max_value=services.MAX_PRICE, help_text="In points.")
    active = serializers.BooleanField(required=False, default=True)


class ProductUpdateSerializer(RequestSerializer):
    name = TextField(max_length=50, required=False)
    unit = TextField(max_length=10, required=False)
    price = serializers.IntegerField(min_value=1, max_value=services.MAX_PRICE, required=False)
    active = serializers.BooleanField(required=False)


class RestockSerializer(RequestSerializer):
    quantity = serializers.IntegerField(min_value=1, max_value=services.MAX_RESTOCK)
    note = TextField(max_length=200, required=False, allow_blank=True, default="")


class ProductFilter(django_filters.FilterSet):
    shop = IdFilter(field_name="shop_id")
    active = BooleanFilter()

    class Meta:
        model = Product
        fields = ["shop", "active"]


@extend_schema_view(get=extend_schema(responses={200: ProductSerializer(many=True), **errors(*READ)}))
class ProductList(generics.ListCreateAPIView):
    permission_classes = [RolePermission]
    write_perms = {"POST": "exchange.add_product"}
    serializer_class = ProductSerializer
    filterset_class = ProductFilter

    def get_queryset(self):
        return readable_products(self.request.user).order_by("shop_id", "position", "name", "id")

    @extend_schema(request=ProductWriteSerializer, responses={201: ProductSerializer, **errors(*WRITE)})
    def post(self, request):
        data = ProductWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        shop = get_in_scope(readable_shops(request.user).select_related("village"), fields.pop("shop"))
        product = services.product_create(shop=shop, by=request.user, **fields)
        return Response(ProductSerializer(product).data, status=status.HTTP_201_CREATED)


def _product(user, pk) -> Product:
    return get_in_scope(readable_products(user).select_related("shop"), pk)


@extend_schema_view(get=extend_schema(responses={200: ProductSerializer, **errors(*READ)}))
class ProductDetail(generics.RetrieveAPIView):
    permission_classes = [RolePermission]
    write_perms = {"PATCH": "exchange.change_product"}
    serializer_class = ProductSerializer

    def get_object(self):
        return _product(self.request.user, self.kwargs["pk"])

    @extend_schema(request=ProductUpdateSerializer, responses={200: ProductSerializer, **errors(*WRITE)})
    def patch(self, request, pk):
        product = self.get_object()
        data = ProductUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = services.product_update(product=product, by=request.user, **data.validated_data)
        return Response(ProductSerializer(product).data)


class ProductRestock(APIView):
    permission_classes = [RolePermission]
    write_perms = {"POST": "exchange.add_stockmovement"}

    @extend_schema(request=RestockSerializer, responses={200: ProductSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        product = _product(request.user, pk)
        data = RestockSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.product_restock(product=product, by=request.user, **data.validated_data)
        product.refresh_from_db()
        return Response(ProductSerializer(product).data)


class LineSerializer(serializers.ModelSerializer):
    class Meta:
        model = RedemptionLine
        fields = ["product", "name", "unit_price", "quantity"]
        read_only_fields = fields


class RedemptionSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    lines = LineSerializer(many=True, read_only=True)
    balance_after = serializers.IntegerField(source="entry.balance_after", read_only=True)
    voided = serializers.SerializerMethodField()

    class Meta:
        model = Redemption
        fields = ["id", "number", "household", "shop", "lines", "total", "balance_after", "created_at", "voided"]
        read_only_fields = fields

    def get_voided(self, redemption) -> bool:
        return hasattr(redemption, "void")


class WantedLineSerializer(RequestSerializer):
    product = IdField()
    quantity = serializers.IntegerField(
        min_value=1, max_value=services.MAX_QUANTITY, help_text="The same product twice adds up (to at most 999)."
    )


class RedeemSerializer(RequestSerializer):
    household = IdField()
    shop = IdField()
    lines = serializers.ListField(child=WantedLineSerializer(), min_length=1, max_length=100)


class VoidSerializer(RequestSerializer):
    reason = TextField(max_length=200)


class RedemptionFilter(django_filters.FilterSet):
    shop = IdFilter(field_name="shop_id")
    household = IdFilter(field_name="household_id")

    class Meta:
        model = Redemption
        fields = ["shop", "household"]


def redemption_rows(queryset):
    return queryset.select_related("entry", "void").prefetch_related("lines")


@extend_schema_view(get=extend_schema(responses={200: RedemptionSerializer(many=True), **errors(*READ)}))
class RedemptionList(generics.ListAPIView):
    permission_classes = [RolePermission]
    write_perms = {"POST": None}  # the service admits a shop's own shopkeepers only
    serializer_class = RedemptionSerializer
    filterset_class = RedemptionFilter

    def get_queryset(self):
        return redemption_rows(readable_redemptions(self.request.user)).order_by("-id")

    @extend_schema(
        request=RedeemSerializer,
        responses={201: RedemptionSerializer, **errors(*WRITE)},
        parameters=[key_parameter(required=True)],
    )
    def post(self, request):
        return idempotent(request, lambda: self._redeem(request), required=True)

    def _redeem(self, request):
        data = RedeemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        shop = get_in_scope(readable_shops(request.user), fields["shop"])
        household = get_in_scope(readable_households(request.user), fields["household"])
        redemption = services.redemption_create(
            shop=shop,
            household=household,
            quantities=[(line["product"], line["quantity"]) for line in fields["lines"]],
            by=request.user,
            idempotency_key=request.headers["Idempotency-Key"],
        )
        redemption = redemption_rows(Redemption.objects).get(pk=redemption.pk)
        return Response(RedemptionSerializer(redemption).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(responses={200: RedemptionSerializer, **errors(*READ)}))
class RedemptionDetail(generics.RetrieveAPIView):
    permission_classes = [RolePermission]
    serializer_class = RedemptionSerializer

    def get_object(self):
        return get_in_scope(redemption_rows(readable_redemptions(self.request.user)), self.kwargs["pk"])


class RedemptionVoid(APIView):
    permission_classes = [RolePermission]
    write_perms = {"POST": "exchange.add_redemptionvoid"}

    @extend_schema(request=VoidSerializer, responses={200: RedemptionSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        redemption = get_in_scope(readable_redemptions(request.user).select_related("shop", "entry"), pk)
        data = VoidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.redemption_void(redemption=redemption, reason=data.validated_data["reason"], by=request.user)
        redemption = redemption_rows(Redemption.objects).get(pk=redemption.pk)
        return Response(RedemptionSerializer(redemption).data)
