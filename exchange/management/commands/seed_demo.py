"""`manage.py seed_demo [--password P]`: the demo village 农丰村 with a year of history and its shop.

Creates the town 百步镇, the village 农丰村 (code `nongfeng`) with about 300 households, and the
staff users `clerk` (keeps 农丰村), `officer` (reads 百步镇) and `shopkeeper`, then replays a
year of plausible activity up to today through the ledger's services, as the clerk. Then it opens
the village shop 农丰村兑换超市, kept by `shopkeeper`, with a dozen everyday goods, and replays its
last three months through the shop's services: deliveries restocked by the clerk, redemptions at the
counter by the shopkeeper, two voids by the clerk. Both plans come from seeded random generators,
so a run on a given day always writes the same books. The services stamp each row with the time
of the run; the days of the story are in the deeds' dates and the deliveries' notes.

A second run adds nothing: it finds the village and its shop and says so. With `--password` it
still sets the demo users' passwords that differ from it, so a forgotten password can be reset
without reloading anything; a password that already works is not touched, so no one is logged
out. A village loaded before the demo had a shop gets the shop. Everything is written in one
transaction: a failed run leaves no half village behind.
The command lives in the exchange, the top app, because it seeds the ledger and the shop.
"""

import argparse
import heapq
import random
import secrets
import statistics
import time as clock
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credits.demo.history import (
    ANNUAL,
    SINGLES,
    Adjust,
    Close,
    Open,
    Record,
    Reverse,
    RuleSpec,
    Step,
    plan_history,
)
from credits.demo.people import invent_households
from credits.errors import InsufficientBalance
from credits.models import Entry, Rule
from credits.selectors import site_template
from credits.services import (
    catalogue_adopt_template,
    entry_adjust,
    entry_record,
    entry_record_batch,
    entry_reverse,
    household_open,
)
from exchange.demo import SHOP_NAME, Redeem, Restock, Void, goods_for, plan_shop
from exchange.errors import OutOfStock
from exchange.models import Product, Redemption, Shop, StockMovement
from exchange.services import product_restock, redemption_create, redemption_void
from households.errors import DomainError
from households.models import Household, Town, Village
from households.services import household_close

SEED = 20240601
SHOP_SEED = 20240901
TOWN = "百步镇"
VILLAGE_CODE, VILLAGE_NAME = "nongfeng", "农丰村"
# (username, group); the clerk keeps the village, the officer reads the town, the shopkeeper keeps the shop.
USERS = [("clerk", "clerk"), ("officer", "officer"), ("shopkeeper", "shopkeeper")]
# What receipts, statements and the page header call them: people's names, not usernames.
NAMES = {"clerk": "沈丽华", "officer": "陆建明", "shopkeeper": "顾秀英"}
# Rules the plan uses besides ANNUAL and SINGLES.
SCHEDULED_RULES = ["垃圾分类", "门前三包", "美丽庭院", "志愿服务", "村民议事", "平安巡防", "支持村庄建设"]
# No 0/O or 1/l/I: the password is read off a screen and typed by hand.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class Command(BaseCommand):
    help = gettext_lazy(
        "Load the demo village 农丰村 (town 百步镇) with about 300 households, a year of ledger history, "
        "its shop with three months of redemptions, and the demo users clerk, officer and shopkeeper, "
        "whose passwords it prints. Does nothing if the village is already loaded, except set the "
        "passwords given with --password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=gettext_lazy("Give every demo user this password instead of a new random one each."),
        )
        # For the tests and the benchmark: a smaller or larger village.
        parser.add_argument("--households", type=int, default=300, help=argparse.SUPPRESS)

    def handle(self, *, password, households, **options):
        if households < 1:
            raise CommandError(_("The demo village needs at least one household."))
        village = Village.objects.filter(code=VILLAGE_CODE).first()
        if village is not None:
            self._already_loaded(village, password)
            return

        started = clock.monotonic()
        today = timezone.localdate()
        rules = demo_rules()
        steps = demo_plan(rules, households=households, today=today)

        passwords = {username: password or _new_password() for username, _role in USERS}
        # Hashing is slow on purpose (~0.4 s each): done before the transaction takes the write lock.
        hashes = {username: make_password(raw) for username, raw in passwords.items()}
        with transaction.atomic():
            users = self._users(hashes)
            town, _created = Town.objects.get_or_create(name=TOWN)
            town.officers.add(users["officer"])
            village = Village.objects.create(code=VILLAGE_CODE, name=VILLAGE_NAME, town=town)
            village.clerks.add(users["clerk"])
            clerk, shopkeeper = users["clerk"], users["shopkeeper"]
            rules = adopt_template(village, rules, clerk=clerk, since=today - timedelta(days=365))
            shop, goods, products = stock_shop(village, shopkeeper=shopkeeper, households=households)
            # The shop's plan starts from the balances the year's history leaves: a trial run of the
            # history, rolled back, learns them. Then the year is written once more with the shop's
            # days among its own, each row recorded when it happened, so the bank book's running
            # columns and its dates read in the same order.
            trial = transaction.savepoint()
            self._replay(steps, village=village, rules=rules, clerk=clerk)
            shop_steps = plan_shop_for(village, goods, today)
            transaction.savepoint_rollback(trial)
            self._replay(
                in_order(steps, shop_steps), village=village, rules=rules, clerk=clerk,
                shop=shop, products=products, shopkeeper=shopkeeper,
            )  # fmt: skip

        self._report(village, passwords, seconds=clock.monotonic() - started)
        self._report_shop(shop)

    def _users(self, hashes: dict[str, str]) -> dict[str, User]:
        users = {}
        for username, role in USERS:
            user, _created = User.objects.get_or_create(username=username)
            user.is_staff = True
            user.first_name = NAMES[username]
            user.password = hashes[username]
            user.save()
            user.groups.add(Group.objects.get(name=role))
            users[username] = user
        return users

    def _replay(
        self,
        steps: list,
        *,
        village: Village,
        rules: dict[str, Rule],
        clerk: User,
        shop: Shop | None = None,
        products: dict[str, Product] | None = None,
        shopkeeper: User | None = None,
    ) -> dict[str, Household]:
        """Write the plan through the ledger's and the shop's services, exactly as the clerk and the
        shopkeeper would have, each row at the moment it happened; the households by number."""
        households: dict[str, Household] = {}
        # The entries the year's corrections will reverse, by (record, household number).
        wanted = {(step.record.key, step.number) for step in steps if isinstance(step, Reverse)}
        to_reverse: dict[tuple[int, str], Entry] = {}
        redemptions: dict[str, Redemption] = {}
        # The corrections at the end of the plan are written today, when the clerk finds the mistakes.
        dated = dated_length(steps)
        for index, step in enumerate(steps):
            at = happened_at(step.on) if index < dated else None
            if isinstance(step, (Restock, Redeem, Void)):
                _shop_step(step, shop=shop, products=products, households=households, redemptions=redemptions,
                           clerk=clerk, shopkeeper=shopkeeper)  # fmt: skip
                continue
            match step:
                case Open(household=spec, on=on):
                    households[spec.number] = household_open(
                        village=village,
                        number=spec.number,
                        head_name=spec.head_name,
                        by=clerk,
                        group=spec.group,
                        address=spec.address,
                        phone=spec.phone,
                        opened_on=on,
                        at=at,
                    )
                case Record(batch=True):
                    entries = entry_record_batch(
                        households=[households[n] for n in step.numbers],
                        rule=rules[step.rule],
                        occurred_on=step.on,
                        by=clerk,
                        note=step.note,
                        at=at,
                    )
                    for entry in entries:
                        if (step.key, entry.household.number) in wanted:
                            to_reverse[(step.key, entry.household.number)] = entry
                case Record():
                    (number,) = step.numbers
                    entry = entry_record(
                        household=households[number],
                        rule=rules[step.rule],
                        occurred_on=step.on,
                        by=clerk,
                        note=step.note,
                        at=at,
                    )
                    if (step.key, number) in wanted:
                        to_reverse[(step.key, number)] = entry
                case Adjust():
                    entry_adjust(
                        household=households[step.number],
                        points=step.points,
                        reason=step.reason,
                        by=clerk,
                        occurred_on=step.on,
                        at=at,
                    )
                case Close():
                    household_close(household=households[step.number], by=clerk, on=step.on)
                case Reverse():
                    entry_reverse(entry=to_reverse[(step.record.key, step.number)], reason=step.reason, by=clerk)
        return households

    def _already_loaded(self, village: Village, password: str | None) -> None:
        if not village.shops.filter(name=SHOP_NAME).exists():
            # Loaded before the demo had a shop: add it, as the first run now would.
            users = {user.username: user for user in User.objects.filter(username__in=["clerk", "shopkeeper"])}
            if len(users) != 2:
                raise CommandError(_("The demo users clerk and shopkeeper are missing; cannot open the demo shop."))
            try:
                with transaction.atomic():
                    shop = open_shop(
                        village, clerk=users["clerk"], shopkeeper=users["shopkeeper"], today=timezone.localdate()
                    )
            except DomainError as error:  # say, the clerk no longer keeps the village
                raise CommandError(error.message) from error
            self._report_shop(shop)
        else:
            self.stdout.write(
                _("The demo village %(village)s is already loaded; nothing was added.") % {"village": VILLAGE_NAME}
            )
        # Users loaded before the demo gave them names get theirs; named users are left alone.
        for username, name in NAMES.items():
            User.objects.filter(username=username, first_name="").update(first_name=name)
        if not password:
            self.stdout.write(_("Passwords are unchanged. Run again with --password to set them."))
            return
        with transaction.atomic():
            for user in User.objects.filter(username__in=[username for username, _role in USERS]):
                # A password that already works is left alone: setting it again would write a new
                # hash and log the user out everywhere (`./dev serve` passes it on every start).
                if user.check_password(password):
                    continue
                user.set_password(password)
                user.save(update_fields=["password"])
                self.stdout.write(_("Password set for %(username)s.") % {"username": user.username})

    def _report(self, village: Village, passwords: dict[str, str], *, seconds: float) -> None:
        entries = Entry.objects.filter(household__village=village).count()
        scores = sorted(village.households.values_list("score", flat=True))
        self.stdout.write(
            self.style.SUCCESS(
                _("Loaded %(village)s (%(town)s): %(households)d households, %(entries)d entries, in %(seconds).1f s.")
                % {
                    "village": village.name,
                    "town": village.town.name,
                    "households": village.households.count(),
                    "entries": entries,
                    "seconds": seconds,
                }
            )
        )
        self.stdout.write(
            _("Scores run from %(low)d to %(high)d; the median is %(median)d.")
            % {"low": scores[0], "high": scores[-1], "median": statistics.median_low(scores)}
        )
        roles = {
            "clerk": _("clerk of %(village)s") % {"village": village.name},
            "officer": _("officer of %(town)s") % {"town": village.town.name},
            "shopkeeper": _("shopkeeper of %(shop)s, at /counter/") % {"shop": SHOP_NAME},
        }
        self.stdout.write(_("Demo users (sign in at /admin/):"))
        for username, _role in USERS:
            self.stdout.write(
                _("  %(username)-11s %(password)-16s %(role)s")
                % {"username": username, "password": passwords[username], "role": roles[username]}
            )

    def _report_shop(self, shop: Shop) -> None:
        redemptions = Redemption.objects.filter(shop=shop)
        deliveries = StockMovement.objects.filter(product__shop=shop, kind=StockMovement.Kind.RESTOCK)
        self.stdout.write(
            _(
                "Opened %(shop)s: %(products)d goods, %(deliveries)d deliveries, "
                "%(redemptions)d redemptions (%(voids)d voided) for %(points)d points."
            )
            % {
                "shop": shop.name,
                "products": shop.products.count(),
                "deliveries": deliveries.count(),
                "redemptions": redemptions.count(),
                "voids": redemptions.filter(void__isnull=False).count(),
                "points": redemptions.filter(void__isnull=True).aggregate(points=Sum("total"))["points"] or 0,
            }
        )


def open_shop(village: Village, *, clerk: User, shopkeeper: User, today: date) -> Shop:
    """Open the shop of a village loaded before the demo had one, and replay its months after the year."""
    active = village.households.filter(active=True)
    shop, goods, products = stock_shop(village, shopkeeper=shopkeeper, households=active.count())
    households = {h.number: h for h in active}
    steps = plan_shop_for(village, goods, today)
    redemptions: dict[str, Redemption] = {}
    for step in steps:
        _shop_step(step, shop=shop, products=products, households=households, redemptions=redemptions,
                   clerk=clerk, shopkeeper=shopkeeper)  # fmt: skip
    return shop


def stock_shop(village: Village, *, shopkeeper: User, households: int) -> tuple[Shop, list, dict[str, Product]]:
    """The village's shop with the demo goods for a village of this many households, no stock yet."""
    shop = Shop.objects.create(village=village, name=SHOP_NAME)
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


def plan_shop_for(village: Village, goods: list, today: date) -> list:
    """The shop's plan for the village's active households, from the balances they hold now."""
    active = village.households.filter(active=True)
    balances = dict(active.values_list("number", "balance"))
    opened = dict(
        Entry.objects.filter(household__in=active, kind=Entry.Kind.OPENING).values_list(
            "household__number", "occurred_on"
        )
    )
    return plan_shop(random.Random(SHOP_SEED), goods, balances, opened, today=today)


def dated_length(steps: list) -> int:
    """How many steps at the start of a plan are dated in order; the corrections come after them."""
    last = date.min
    for index, step in enumerate(steps):
        on = getattr(step, "on", None)
        if isinstance(step, Reverse) or on is None or on < last:
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


def _shop_step(step, *, shop, products, households, redemptions, clerk, shopkeeper) -> None:
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


def demo_rules() -> dict[str, Rule]:
    """The rules the demo records, by name, from the site's template; it must still hold them."""
    names = set(SCHEDULED_RULES) | {row[0] for row in ANNUAL} | {row[0] for row in SINGLES}
    rules: dict[str, Rule] = {}
    template = site_template()
    found = template.rules.filter(name__in=names, active=True).order_by("id") if template else Rule.objects.none()
    for rule in found:
        rules.setdefault(rule.name, rule)
    missing = sorted(names - rules.keys())
    if missing:
        raise CommandError(
            _("The demo needs these rules of the default catalogue, active: %(names)s.")
            % {"names": "、".join(missing)}
        )
    return rules


def adopt_template(village: Village, rules: dict[str, Rule], *, clerk: User, since: date) -> dict[str, Rule]:
    """Give the village its own copy of the site's template, in force `since`; the demo's rules as
    they stand in that copy."""
    version = catalogue_adopt_template(
        village=village,
        template=next(iter(rules.values())).version,
        name=_("%(village)s village rules") % {"village": village.name},
        meeting=_("Village representatives' meeting"),
        effective_from=since,
        by=clerk,
    )
    own = {rule.key: rule for rule in version.rules.all()}
    return {name: own[rule.key] for name, rule in rules.items()}


def demo_plan(rules: dict[str, Rule], *, households: int, today: date) -> list[Step]:
    """The demo's steps for a village of `households` as of `today`: the same on every run that day."""
    rnd = random.Random(SEED)
    start = today - timedelta(days=365)
    people = invent_households(rnd, count=households, village_name=VILLAGE_NAME, start=start, today=today)
    return plan_history(rnd, people, rule_specs(rules), start=start, today=today)


def rule_specs(rules: dict[str, Rule]) -> dict[str, RuleSpec]:
    return {name: RuleSpec(points=rule.points, cap=rule.cap_per_year) for name, rule in rules.items()}


def _new_password() -> str:
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _group in range(3))
