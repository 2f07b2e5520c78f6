"""The only writers of the shop: redemptions, voids, restocks and stocktakes.

Lock order, everywhere in the shop: first the products' rows, in id order, then the household's
row (taken by the ledger's service). Redemption and void both follow it, and restocks take
products only, so no two of them can wait on each other in a cycle. Stock moves by conditional
`UPDATE ... SET stock = stock - q WHERE stock >= q`, which is also what takes a product's lock.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from credits.errors import AlreadyReversed, ReasonRequired
from credits.services import entry_refund, entry_spend, insert_sql
from exchange.errors import (
    AlreadyVoided,
    BadPrice,
    BadQuantity,
    EmptyRedemption,
    IdempotencyKeyReused,
    NotYourShop,
    OutOfStock,
    PriceChanged,
    ProductNameTaken,
    ProductRetired,
    UnknownProduct,
)
from exchange.models import Product, Redemption, RedemptionLine, RedemptionVoid, Shop, StockMovement
from exchange.selectors import may_serve
from history.context import acting
from households.errors import DomainError
from households.models import Household
from households.services import ensure_may_change

MAX_QUANTITY = 999
MAX_PRICE = 100_000
MAX_RESTOCK = 100_000
PRODUCT_FIELDS = ("name", "unit", "price", "low_stock", "active", "position")


def redemption_create(
    *,
    shop: Shop,
    household: Household,
    quantities: Iterable[tuple[int, int]],
    by,
    idempotency_key: str,
    prices_seen: dict[int, int] | None = None,
    at: datetime | None = None,
    scope_checked: bool = False,
) -> Redemption:
    """Redeem goods for points: lowers the household's balance (never its score) and the stock.

    `quantities` are (product id, quantity) pairs. A retried submission with the same key returns
    the redemption the first one made, marked `replayed`; if the first is still running, this one
    waits for it. The key's unique constraint is what finds a retry: the redemption is attempted,
    and only if its key is taken (or it is refused) is the earlier one looked up.
    `prices_seen` (product id → price) are the prices the villager was shown: if a clerk changed
    one since, the redemption is refused rather than charged at a price nobody agreed to.
    `at` is when the sale happened, if not now: for writing down a shop's past (the demo's year of
    sales), never for the counter.
    `scope_checked` is for the counter, which found `shop` among those `by` serves at
    (`shops_for`) in the same request.
    """
    if not (scope_checked or may_serve(by, shop)) or household.village_id != shop.village_id:
        raise NotYourShop()
    wanted = _merge(quantities)
    try:
        with transaction.atomic():
            return _redeem(
                shop=shop,
                household=household,
                wanted=wanted,
                by=by,
                key=idempotency_key,
                prices_seen=prices_seen or {},
                at=at or timezone.now(),
            )
    except (DomainError, IntegrityError):
        # A twin submission may have committed while this one waited on its locks and then found
        # the stock or balance gone, or its key taken: answer with the twin's redemption.
        earlier = _earlier(by, idempotency_key, shop, household)
        if earlier:
            return earlier
        raise


def _redeem(
    *,
    shop: Shop,
    household: Household,
    wanted: dict[int, int],
    by,
    key: str,
    prices_seen: dict[int, int],
    at: datetime,
) -> Redemption:
    # Each product's stock is taken, in id order, by a conditional UPDATE that also locks its row and
    # hands back what the receipt copies (name, unit, price) as it stands under that lock.
    locked = {}
    for product_id in sorted(wanted):
        taken = _take(shop, product_id, wanted[product_id])
        if taken is None:
            raise _refusal(shop, wanted, failed=product_id)
        locked[product_id] = taken
    for pk in sorted(wanted):
        if pk in prices_seen and prices_seen[pk] != locked[pk].price:
            raise PriceChanged(product=locked[pk].name, was=prices_seen[pk], now=locked[pk].price)
    total = sum(locked[pk].price * quantity for pk, quantity in wanted.items())
    entry = entry_spend(household=household, points=total, by=by, note=shop.name, at=at)
    redemption = Redemption(
        household=household, shop=shop, shopkeeper=by, total=total, entry=entry, idempotency_key=key, created_at=at
    )
    lines = [
        RedemptionLine(
            redemption=redemption,
            product_id=pk,
            name=locked[pk].name,
            unit=locked[pk].unit,
            unit_price=locked[pk].price,
            quantity=quantity,
        )
        for pk, quantity in sorted(wanted.items())
    ]
    movements = [
        StockMovement(
            product_id=pk,
            kind=StockMovement.Kind.REDEMPTION,
            quantity=-quantity,
            stock_after=locked[pk].stock,
            redemption=redemption,
            recorded_by=by,
            created_at=at,
        )
        for pk, quantity in sorted(wanted.items())
    ]
    _write(redemption, lines, movements)
    return redemption


@dataclass(frozen=True)
class _Taken:
    name: str
    unit: str
    price: int
    stock: int


def _take(shop: Shop, product_id: int, quantity: int) -> _Taken | None:
    """Take `quantity` of a product of `shop` off the shelf if it is on sale and in stock; one statement."""
    table = connection.ops.quote_name(Product._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET stock = stock - %s WHERE id = %s AND shop_id = %s AND active AND stock >= %s "
            "RETURNING name, unit, price, stock",
            [quantity, product_id, shop.pk, quantity],
        )
        row = cursor.fetchone()
    return row and _Taken(*row)


def _refusal(shop: Shop, wanted: dict[int, int], *, failed: int) -> DomainError:
    """Why the products could not be taken, as the counter says it: an unknown product first, then
    the first one retired, then the one out of stock. The products before `failed` were taken."""
    products = {p.pk: p for p in Product.objects.filter(shop=shop, pk__in=wanted)}
    if len(products) != len(wanted):
        return UnknownProduct()
    product = products[failed]
    if not product.active:
        return ProductRetired(product=product.name)
    return OutOfStock(product=product.name, stock=product.stock, wanted=wanted[failed])


def _write(redemption: Redemption, lines: list[RedemptionLine], movements: list[StockMovement]) -> None:
    """The redemption with its lines and stock movements: one statement on PostgreSQL (a CTE), three
    elsewhere. A key already used raises IntegrityError before anything is written."""
    if connection.vendor != "postgresql":
        redemption.save(force_insert=True)
        RedemptionLine.objects.bulk_create(lines)
        StockMovement.objects.bulk_create(movements)
        return
    sql, params = insert_sql([redemption])
    parts = [f"r AS ({sql} RETURNING id)"]
    for name, rows in (("l", lines), ("m", movements)):
        sql, row_params = insert_sql(rows, source="FROM r", expressions={"redemption_id": "r.id"})
        parts.append(f"{name} AS ({sql})")
        params += row_params
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT id FROM r", params)
        redemption.pk = cursor.fetchone()[0]
    redemption._state.adding = False
    redemption._state.db = connection.alias


def redemption_void(*, redemption: Redemption, reason: str, by, at: datetime | None = None) -> RedemptionVoid:
    """Undo a redemption: the points come back through a ledger reversal, the goods through
    stock movements. Nothing is edited. A clerk of the shop's village does this, once.
    `at` is when, if not now, as for `redemption_create`."""
    at = at or timezone.now()
    if not reason.strip():
        raise ReasonRequired()
    ensure_may_change(user=by, village_id=redemption.shop.village_id)
    with transaction.atomic():
        if RedemptionVoid.objects.filter(redemption=redemption).exists():
            raise AlreadyVoided()
        lines = sorted(redemption.lines.all(), key=lambda line: line.product_id)
        for line in lines:
            Product.objects.filter(pk=line.product_id).update(stock=F("stock") + line.quantity)
        stock = dict(Product.objects.filter(pk__in=[line.product_id for line in lines]).values_list("pk", "stock"))
        StockMovement.objects.bulk_create(
            StockMovement(
                product_id=line.product_id,
                kind=StockMovement.Kind.VOID,
                quantity=line.quantity,
                stock_after=stock[line.product_id],
                redemption=redemption,
                note=reason.strip(),
                recorded_by=by,
                created_at=at,
            )
            for line in lines
        )
        try:
            entry = entry_refund(entry=redemption.entry, reason=reason, by=by, at=at)
        except AlreadyReversed:
            raise AlreadyVoided() from None
        try:
            with transaction.atomic():
                return RedemptionVoid.objects.create(
                    redemption=redemption, reason=reason.strip(), voided_by=by, entry=entry, voided_at=at
                )
        except IntegrityError:
            raise AlreadyVoided() from None


def product_create(
    *, shop: Shop, name: str, unit: str, price: int, by, low_stock: int = 5, active: bool = True, position: int = 0
) -> Product:
    """Put a new product on the shop's shelf, with no stock: stock arrives by `product_restock`."""
    product = Product(shop=shop, low_stock=low_stock, position=position)
    return _product_save(product, name=name, unit=unit, price=price, active=active, by=by)


def product_update(*, product: Product, by, **changes) -> Product:
    """Edit a product; receipts already printed keep the name and price they were sold at."""
    unknown = set(changes) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"product_update() got unexpected fields {sorted(unknown)}")
    for field in ("low_stock", "position"):
        if field in changes:
            setattr(product, field, changes.pop(field))
    fields = {field: getattr(product, field) for field in ("name", "unit", "price", "active")}
    return _product_save(product, by=by, **{**fields, **changes})


def _product_save(product: Product, *, name: str, unit: str, price: int, active: bool, by) -> Product:
    ensure_may_change(user=by, village_id=product.shop.village_id)
    if not 1 <= price <= MAX_PRICE:
        raise BadPrice()
    product.name, product.unit, product.price, product.active = name.strip(), unit.strip(), price, active
    try:
        with transaction.atomic(), acting(by):
            # Only the product's own columns: a sale's stock update must never be overwritten.
            if product.pk:
                product.save(update_fields=["name", "unit", "price", "active", "low_stock", "position"])
            else:
                product.save()
    except IntegrityError:
        if Product.objects.filter(shop=product.shop, name=product.name).exclude(pk=product.pk).exists():
            raise ProductNameTaken(name=product.name) from None
        raise
    return product


def product_restock(
    *, product: Product, quantity: int, by, note: str = "", at: datetime | None = None
) -> StockMovement:
    """Goods arrive at the shop (`at`, if not now, as for `redemption_create`)."""
    if not 1 <= quantity <= MAX_RESTOCK:
        raise BadQuantity()
    return _move(product=product, kind=StockMovement.Kind.RESTOCK, quantity=quantity, by=by, note=note, at=at)


def product_stocktake(*, product: Product, counted: int, by, note: str) -> StockMovement | None:
    """Set stock to what was counted on the shelf, recording the difference and why."""
    if not note.strip():
        raise ReasonRequired()
    if counted < 0:
        raise BadQuantity()
    # Before the count is compared: a count that matches must not answer "nothing changed" to
    # someone who may not take stock here at all.
    ensure_may_change(user=by, village_id=product.shop.village_id)
    with transaction.atomic():
        # Lock the row while counting the difference, so a sale at the counter cannot slip in
        # between the read and the movement and leave stock unequal to its movements.
        current = Product.objects.select_for_update().values_list("stock", flat=True).get(pk=product.pk)
        if counted == current:
            return None
        return _move(product=product, kind=StockMovement.Kind.STOCKTAKE, quantity=counted - current, by=by, note=note)


def _move(*, product: Product, kind: str, quantity: int, by, note: str, at: datetime | None = None) -> StockMovement:
    ensure_may_change(user=by, village_id=product.shop.village_id)
    with transaction.atomic():
        Product.objects.filter(pk=product.pk).update(stock=F("stock") + quantity)
        product.refresh_from_db(fields=["stock"])
        return StockMovement.objects.create(
            product=product,
            kind=kind,
            quantity=quantity,
            stock_after=product.stock,
            note=note.strip(),
            recorded_by=by,
            created_at=at or timezone.now(),
        )


def _merge(quantities: Iterable[tuple[int, int]]) -> dict[int, int]:
    wanted: Counter[int] = Counter()
    for product_id, quantity in quantities:
        if not isinstance(quantity, int) or quantity < 0 or quantity > MAX_QUANTITY:
            raise BadQuantity()
        if quantity:
            wanted[int(product_id)] += quantity
    if not wanted:
        raise EmptyRedemption()
    if any(quantity > MAX_QUANTITY for quantity in wanted.values()):
        raise BadQuantity()
    return dict(wanted)


def _earlier(by, key: str, shop: Shop, household: Household) -> Redemption | None:
    earlier = Redemption.objects.filter(shopkeeper=by, idempotency_key=key).first()
    # The same key at another shop is another sale too: answering with that shop's receipt
    # would send the shopkeeper to a page of a shop they are not standing in.
    if earlier and (earlier.household_id != household.pk or earlier.shop_id != shop.pk):
        raise IdempotencyKeyReused()
    if earlier:
        earlier.replayed = True
    return earlier
