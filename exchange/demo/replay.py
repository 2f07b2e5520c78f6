"""The demo shop written into a village's books, for `manage.py seed_demo`: the shop opened with its
goods and its plan (from `plan`) drawn from the balances the ledger's year leaves.

The year's steps and the shop's are merged by day, and each shop step is replayed through the
shop's services at the moment it happened, as the shopkeeper and the clerk would have.
"""

import heapq
import random
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from credits.demo.catalogue import rule_specs
from credits.demo.history import Close, Open, Step, final_balances
from credits.errors import InsufficientBalance
from credits.models import Rule
from exchange.demo.plan import Redeem, Restock, Void, goods_for, plan_shop
from exchange.errors import OutOfStock
from exchange.models import Product, Shop
from exchange.services import product_restock, redemption_create, redemption_void
from households.models import Village


def stock_shop(
    village: Village, *, shopkeeper: User, households: int, name: str
) -> tuple[Shop, list, dict[str, Product]]:
    """The village's shop with the demo goods for a village of this many households, no stock yet."""
    shop = Shop.objects.create(village=village, name=name)
    shop.shopkeepers.add(shopkeeper)
    goods = goods_for(households)
    # Goods are typed into the admin by the clerk; there is no service for a new product.
    products = {
        good.name: Product.objects.create(
            shop=shop, name=good.name, unit=good.unit, price=good.price, low_stock=good.low_stock, position=position
        )
        for position, good in enumerate(goods, start=1)
    }
    return shop, goods, products


def plan_shop_after(steps: list[Step], rules: dict[str, Rule], goods: list, *, seed: int, today: date) -> list:
    """The shop's plan for the households the year's plan leaves active, from the balances it leaves
    them: before the shop opens nothing is spent."""
    balances = final_balances(steps, rule_specs(rules), base=settings.XIANGFENG_BASE_SCORE)
    closed = {step.number for step in steps if isinstance(step, Close)}
    opened = {step.household.number: step.on for step in steps if isinstance(step, Open)}
    # By number, as the households' table lists them: the plan draws its customers in this order.
    balances = {number: balances[number] for number in sorted(opened) if number not in closed}
    return plan_shop(random.Random(seed), goods, balances, opened, today=today)


def dated_length(steps: list) -> int:
    """How many steps at the start of a plan are dated in order; the corrections come after them."""
    last = date.min
    for index, step in enumerate(steps):
        on = getattr(step, "on", None)
        if on is None or on < last:
            return index
        last = on
    return len(steps)


def in_order(history: list[Step], shop: list) -> list:
    """The year's dated steps and the shop's, merged by day (the clerk's first), then the corrections."""
    dated = dated_length(history)
    merged = heapq.merge(
        ((step.on, 0, index, step) for index, step in enumerate(history[:dated])),
        ((step.on, 1, index, step) for index, step in enumerate(shop)),
    )
    return [step for _on, _side, _index, step in merged] + history[dated:]


def happened_at(day: date) -> datetime:
    """The moment the plan says a shop step happened: 10 o'clock on its day, never after now."""
    return min(timezone.now(), datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone()))


def shop_step(step, *, shop, products, households, redemptions, clerk, shopkeeper) -> None:
    """One step of the shop's plan, through the shop's services."""
    match step:
        case Restock():
            product_restock(
                product=products[step.good], quantity=step.quantity, by=clerk, note=step.note, at=happened_at(step.on)
            )
        case Redeem():
            try:
                redemptions[step.key] = redemption_create(
                    shop=shop,
                    household=households[step.number],
                    quantities=[(products[name].pk, quantity) for name, quantity in step.basket],
                    by=shopkeeper,
                    idempotency_key=step.key,
                    at=happened_at(step.on),
                )
            except (InsufficientBalance, OutOfStock):
                # Planned from the year's end, a visit can come before the awards that paid for it,
                # or after a deduction: the shopkeeper would have refused it too.
                pass
        case Void() if step.key in redemptions:
            redemption_void(redemption=redemptions[step.key], reason=step.reason, by=clerk, at=happened_at(step.on))
