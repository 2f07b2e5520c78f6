"""The demo village's shop, 农丰村兑换超市: its goods and a few months of trade, planned in memory.

`plan_shop` is pure and deterministic, like the ledger's demo in `credits.demo`: given a seeded
`random.Random`, the households' balances and the day it runs for, it plans the deliveries, the
visits to the counter and a couple of voids. It keeps its own count of every balance and every
shelf, so the services it is replayed through never refuse a step: a household spends only what
it has, a basket takes only what is on the shelf, and goods that run low are restocked on the
next delivery day.
"""

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from credits.demo.history import poisson

SHOP_NAME = "农丰村兑换超市"
# The shop opened three months ago; its first delivery came that morning.
OPEN_DAYS = 91
# The town's supply and marketing co-operative (供销社) delivers every fortnight.
DELIVERY_EVERY = 14
SUPPLIER = "百步镇供销社配送"
# Each household comes to the counter about once in twelve weeks: three or four visits a day in a
# village of 300.
VISITS_PER_HOUSEHOLD_A_DAY = 1 / 84


@dataclass(frozen=True)
class Good:
    name: str
    unit: str
    price: int
    low_stock: int
    first_delivery: int
    batch: int
    demand: float  # how often a basket reaches for it, relative to the others


# Prices in points against scores of about 80–165: a bag of rice or a drum of oil is a household's
# big redemption of the season; soap and salt are the small change. Deliveries and thresholds suit
# a village of SIZED_FOR households; `goods_for` scales them to another.
SIZED_FOR = 300
GOODS = [
    Good("大米（10斤装）", "袋", 45, low_stock=8, first_delivery=30, batch=20, demand=3.0),
    Good("菜籽油（5升）", "桶", 55, low_stock=5, first_delivery=20, batch=15, demand=1.8),
    Good("洗衣液（2公斤）", "瓶", 18, low_stock=6, first_delivery=24, batch=18, demand=2.0),
    Good("洗衣皂", "块", 4, low_stock=10, first_delivery=60, batch=40, demand=2.6),
    Good("毛巾", "条", 8, low_stock=8, first_delivery=40, batch=30, demand=1.4),
    Good("牙膏", "支", 8, low_stock=8, first_delivery=40, batch=30, demand=1.8),
    Good("酱油（500毫升）", "瓶", 9, low_stock=8, first_delivery=40, batch=30, demand=2.4),
    Good("食盐（400克）", "包", 3, low_stock=10, first_delivery=50, batch=60, demand=2.2),
    Good("卷纸（10卷）", "提", 15, low_stock=6, first_delivery=30, batch=24, demand=2.4),
    Good("洗洁精", "瓶", 9, low_stock=6, first_delivery=30, batch=20, demand=1.8),
    Good("鸡蛋（10只）", "盒", 15, low_stock=6, first_delivery=24, batch=18, demand=2.0),
    Good("挂面", "把", 6, low_stock=10, first_delivery=40, batch=40, demand=2.2),
]

VOID_REASONS = [
    "超市管理员点错商品，村民未取货，作废",
    "村民当天退回未拆封商品，经村委同意作废",
]


@dataclass(frozen=True)
class Restock:
    good: str
    quantity: int
    note: str
    on: date


@dataclass(frozen=True)
class Redeem:
    number: str
    basket: tuple[tuple[str, int], ...]  # (good's name, quantity)
    key: str
    on: date


@dataclass(frozen=True)
class Void:
    key: str  # the redemption's
    reason: str
    on: date


ShopStep = Restock | Redeem | Void


def goods_for(households: int) -> list[Good]:
    """The goods, with deliveries and low-stock thresholds sized to a village of `households`."""
    scale = households / SIZED_FOR
    return [
        replace(
            good,
            low_stock=max(2, round(good.low_stock * scale)),
            first_delivery=max(6, round(good.first_delivery * scale)),
            batch=max(6, round(good.batch * scale)),
        )
        for good in GOODS
    ]


def plan_shop(
    rnd: random.Random, goods: list[Good], balances: dict[str, int], opened: dict[str, date], *, today: date
) -> list[ShopStep]:
    """Every delivery, redemption and void since the shop opened, in the order they happened.

    `balances` are the active households' balances by number, before the shop opened; `opened` the
    day each household was opened, so a household formed during the year shops only afterwards.
    """
    balances = dict(balances)
    by_name = {good.name: good for good in goods}
    stock = dict.fromkeys(by_name, 0)
    opening = today - timedelta(days=OPEN_DAYS)
    # Two redemptions are undone: the first on or after each of these days.
    voids = sorted((opening + timedelta(days=rnd.randint(10, OPEN_DAYS - 30)), reason) for reason in VOID_REASONS)
    steps: list[ShopStep] = []

    def deliver(good: Good, quantity: int, on: date, what: str) -> None:
        stock[good.name] += quantity
        steps.append(Restock(good.name, quantity, f"{on.month}月{on.day}日{what}（{SUPPLIER}）", on))

    for good in goods:
        deliver(good, good.first_delivery, opening, "开业首批进货")
    sold = 0
    on = opening
    while on <= today:
        if on > opening and (on - opening).days % DELIVERY_EVERY == 0:
            for good in goods:
                if stock[good.name] <= good.low_stock:
                    deliver(good, good.batch, on, "补货")
        for _visit in range(poisson(rnd, VISITS_PER_HOUSEHOLD_A_DAY * len(balances))):
            customers = [n for n, balance in balances.items() if opened[n] < on and balance >= 10]
            if not customers:
                break
            number = rnd.choices(customers, weights=[balances[n] for n in customers])[0]
            basket = _basket(rnd, goods, budget=_budget(rnd, balances[number]), stock=stock)
            if not basket:
                continue
            sold += 1
            redeem = Redeem(number, basket, key=f"demo-{on:%Y%m%d}-{sold:04d}", on=on)
            steps.append(redeem)
            total = sum(by_name[name].price * quantity for name, quantity in basket)
            balances[number] -= total
            for name, quantity in basket:
                stock[name] -= quantity
            if voids and on >= voids[0][0]:
                steps.append(Void(redeem.key, voids.pop(0)[1], on))
                balances[number] += total
                for name, quantity in basket:
                    stock[name] += quantity
        on += timedelta(days=1)
    return steps


def _budget(rnd: random.Random, balance: int) -> int:
    """What a household means to spend on one visit: most keep more than half their points."""
    return min(balance, max(10, round(balance * rnd.uniform(0.1, 0.55))))


def _basket(
    rnd: random.Random, goods: list[Good], *, budget: int, stock: dict[str, int]
) -> tuple[tuple[str, int], ...]:
    """One to four goods, the favourites first, within the budget and what is on the shelf."""
    wanted = rnd.randint(1, 4)
    order = _weighted_order(rnd, goods)
    basket: list[tuple[str, int]] = []
    left = budget
    for good in order:
        if len(basket) == wanted:
            break
        # Cheap staples go by two or three.
        quantity = rnd.choice([1, 1, 2, 3]) if good.price <= 6 else 1
        quantity = min(quantity, stock[good.name], left // good.price)
        if quantity >= 1:
            basket.append((good.name, quantity))
            left -= good.price * quantity
    return tuple(basket)


def _weighted_order(rnd: random.Random, goods: list[Good]) -> list[Good]:
    # Efraimidis–Spirakis: a weighted shuffle, so rice and soap come first more often than towels.
    return sorted(goods, key=lambda good: rnd.random() ** (1 / good.demand), reverse=True)
