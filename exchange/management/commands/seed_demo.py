"""`manage.py seed_demo [--password P]`: the demo town 百步镇, its two villages with their books since the
start of last year (last year closed), and their shops.

Creates the town 百步镇 and in it the village 农丰村 (code `nongfeng`, about 300 households, keeping the
site's template of rules) and the village 桑园村 (code `sangyuan`, about 120, keeping a copy of the
town's own template, which differs from the site's in a few items, and with a newer version of its
rules adopted at a meeting a few days ago and in force in a few days). Each has its own clerk
(`clerk`, `clerk2`) and shopkeeper (`shopkeeper`, `shopkeeper2`); `officer` reads the town, so both
villages and their comparison. For each village it replays plausible activity from 1 January last
year up to today through the ledger's services, as its clerk — closing last year in the first days
of January, 农丰村 with each score starting again at the base, 桑园村 carrying it on — then opens its shop
with a dozen everyday goods and replays the shop's last three months through the shop's services:
deliveries restocked by the clerk, redemptions at the counter by the shopkeeper, two voids by the
clerk. Every plan comes from a seeded random generator of its own, so a run on a given day always
writes the same books. The services stamp each row with the time of the run; the days of the story
are in the deeds' dates and the deliveries' notes. The town's template is kept by superusers only;
the seed, run by whoever runs the server, keeps it through the same services as the site itself
(`scope_checked`).

A second run adds nothing: it finds the villages and their shops and says so. A village missing from
an older load (the demo once had one village) is added, with its users. With `--password` it still
sets the demo users' passwords that differ from it, so a forgotten password can be reset without
reloading anything; a password that already works is not touched, so no one is logged out. A village
loaded before the demo had a shop gets the shop. Everything is written in one transaction: a failed
run leaves no half village behind. The command lives in the exchange, the top app, because it seeds
the ledger and the shop.
"""

import argparse
import random
import secrets
import statistics
import time as clock
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.demo import load_activities
from claims.demo import load_claims
from credits.demo.catalogue import (
    SEED,
    adopt_next_version,
    adopt_template,
    demo_plan,
    demo_rules,
    history_start,
    town_template,
)
from credits.demo.history import Adjust, Close, CloseYear, Open, Record, Reverse
from credits.models import CatalogueVersion, Entry, Rule
from credits.selectors import site_template
from credits.services import (
    entry_adjust,
    entry_record,
    entry_record_batch,
    entry_reverse,
    household_open,
)
from exchange.demo.plan import Redeem, Restock, Void, plan_shop
from exchange.demo.replay import dated_length, happened_at, in_order, plan_shop_after, shop_step, stock_shop
from exchange.models import Product, Redemption, Shop, StockMovement
from households.errors import DomainError
from households.models import Household, Town, Village
from households.services import household_close
from titles.demo import seed_titles
from years.models import YearClose
from years.services import year_close

SHOP_SEED = 20240901
TOWN = "百步镇"


@dataclass(frozen=True)
class DemoVillage:
    code: str
    name: str
    clerk: str  # keeps the village
    shopkeeper: str  # keeps its shop
    seed: int  # its households and history
    shop_seed: int
    share: float  # its households against the --households of the first
    town_template: bool  # keeps a copy of the town's template rather than the site's
    # (rule, points) changed in a newer version adopted at a meeting, in force in a few days.
    next_version: tuple[str, int] | None = None
    # Closing last year, the score starts again at the base (农丰村's "原始积分100" is each year's
    # start) rather than carrying on; the balance carries on either way.
    restart: bool = False

    @property
    def shop_name(self) -> str:
        return f"{self.name}兑换超市"


VILLAGES = [
    DemoVillage(
        "nongfeng", "农丰村", "clerk", "shopkeeper", SEED, SHOP_SEED, share=1, town_template=False, restart=True,
    ),
    DemoVillage(
        "sangyuan", "桑园村", "clerk2", "shopkeeper2", 20250311, 20250921, share=0.4, town_template=True,
        next_version=("门前三包", 2),
    ),
]  # fmt: skip
# (username, group); each clerk keeps a village, the officer reads the town, each shopkeeper keeps a shop.
USERS = [
    ("clerk", "clerk"), ("officer", "officer"), ("shopkeeper", "shopkeeper"),
    ("clerk2", "clerk"), ("shopkeeper2", "shopkeeper"),
]  # fmt: skip
# What receipts, statements and the page header call them: people's names, not usernames.
NAMES = {"clerk": "沈丽华", "officer": "陆建明", "shopkeeper": "顾秀英", "clerk2": "褚晓燕", "shopkeeper2": "费建林"}
# No 0/O or 1/l/I: the password is read off a screen and typed by hand.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class Command(BaseCommand):
    help = gettext_lazy(
        "Load the demo town 百步镇 with its villages 农丰村 (about 300 households) and 桑园村 (about 120), "
        "each with its ledger since the start of last year (last year closed) and its shop with three months "
        "of redemptions, and the demo users clerk, clerk2, officer, shopkeeper and shopkeeper2, whose "
        "passwords it prints. Does nothing if the villages are already loaded, except set the passwords "
        "given with --password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=gettext_lazy("Give every demo user this password instead of a new random one each."),
        )
        # For the tests and the benchmark: smaller or larger villages.
        parser.add_argument("--households", type=int, default=300, help=argparse.SUPPRESS)

    def handle(self, *, password, households, **options):
        if households < 1:
            raise CommandError(_("The demo village needs at least one household."))
        loaded = set(Village.objects.filter(code__in=[demo.code for demo in VILLAGES]).values_list("code", flat=True))
        for demo in VILLAGES:
            if demo.code in loaded:
                self._already_loaded(demo)
        new = [demo for demo in VILLAGES if demo.code not in loaded]
        set_now = self._load(new, households=households, password=password) if new else set()
        # Users loaded before the demo gave them names get theirs; named users are left alone.
        for username, name in NAMES.items():
            User.objects.filter(username=username, first_name="").update(first_name=name)
        if not password:
            if not new:
                self.stdout.write(_("Passwords are unchanged. Run again with --password to set them."))
            return
        with transaction.atomic():
            for user in User.objects.filter(username__in=[username for username, _role in USERS]).order_by("pk"):
                # A password that already works is left alone: setting it again would write a new
                # hash and log the user out everywhere (`./dev serve` passes it on every start).
                if user.username in set_now or user.check_password(password):
                    continue
                user.set_password(password)
                user.save(update_fields=["password"])
                self.stdout.write(_("Password set for %(username)s.") % {"username": user.username})

    def _load(self, new: list[DemoVillage], *, households: int, password: str | None) -> set[str]:
        """Load the villages in `new`, with their users; returns the users whose passwords it set."""
        today = timezone.localdate()
        wanted = {"officer"} | {demo.clerk for demo in new} | {demo.shopkeeper for demo in new}
        # The officer of an earlier load keeps their password; the new villages' staff get theirs.
        existing = set(User.objects.filter(username="officer").values_list("username", flat=True))
        if {demo.code for demo in new} == {demo.code for demo in VILLAGES}:
            existing = set()
        passwords = {username: password or _new_password() for username in sorted(wanted - existing)}
        # Hashing is slow on purpose (~0.4 s each): done before the transaction takes the write lock.
        hashes = {username: make_password(raw) for username, raw in passwords.items()}
        loaded = []
        with transaction.atomic():
            users = self._users(wanted, hashes)
            town, _created = Town.objects.get_or_create(name=TOWN)
            town.officers.add(users["officer"])
            for demo in new:
                started = clock.monotonic()
                template = town_template(town, today=today) if demo.town_template else site_template()
                size = max(1, round(households * demo.share))
                village, shop = self._load_village(demo, town=town, template=template, users=users, size=size)
                load_claims(village, clerk=users[demo.clerk])
                load_activities(village, clerk=users[demo.clerk])
                loaded.append((village, shop, clock.monotonic() - started))
        for village, shop, seconds in loaded:
            self._report(village, seconds=seconds)
            self._report_shop(shop)
        self._report_users(passwords)
        return set(passwords)

    def _load_village(
        self, demo: DemoVillage, *, town: Town, template: CatalogueVersion, users: dict[str, User], size: int
    ) -> tuple[Village, Shop]:
        today = timezone.localdate()
        clerk, shopkeeper = users[demo.clerk], users[demo.shopkeeper]
        village = Village.objects.create(code=demo.code, name=demo.name, town=town)
        village.clerks.add(clerk)
        rules = demo_rules(template)
        steps = demo_plan(
            rules, households=size, today=today, seed=demo.seed, village_name=demo.name, restart=demo.restart
        )
        rules = adopt_template(village, rules, clerk=clerk, since=history_start(today))
        shop, goods, products = stock_shop(village, shopkeeper=shopkeeper, households=size, name=demo.shop_name)
        # The shop's plan starts from the balances the year's history leaves, which the plan itself
        # tells (nothing is spent before the shop opens, so each balance is the score). The year is
        # written with the shop's days among its own, each row recorded when it happened, so the bank
        # book's running columns and its dates read in the same order.
        shop_steps = plan_shop_after(steps, rules, goods, seed=demo.shop_seed, today=today)
        self._replay(
            in_order(steps, shop_steps), village=village, rules=rules, clerk=clerk,
            shop=shop, products=products, shopkeeper=shopkeeper,
        )  # fmt: skip
        if demo.next_version:
            adopt_next_version(village, demo.next_version, clerk=clerk, today=today)
        seed_titles(village, clerk=clerk, officer=users["officer"])  # last year's star households
        return village, shop

    def _users(self, usernames: set[str], hashes: dict[str, str]) -> dict[str, User]:
        users = {}
        for username, role in USERS:
            if username not in usernames:
                continue
            user, _created = User.objects.get_or_create(username=username)
            user.is_staff = True
            user.first_name = user.first_name or NAMES[username]
            if username in hashes:
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
                shop_step(step, shop=shop, products=products, households=households, redemptions=redemptions,
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
                    entry = to_reverse[(step.record.key, step.number)]
                    entry_reverse(entry=entry, reason=step.reason, by=clerk, at=at)
                case CloseYear():
                    year_close(
                        village=village,
                        year=step.year,
                        by=clerk,
                        score_start=YearClose.ScoreStart.RESTART if step.restart else YearClose.ScoreStart.CARRY,
                        at=at,
                    )
        return households

    def _already_loaded(self, demo: DemoVillage) -> None:
        village = Village.objects.get(code=demo.code)
        if village.shops.filter(name=demo.shop_name).exists():
            self.stdout.write(
                _("The demo village %(village)s is already loaded; nothing was added.") % {"village": demo.name}
            )
            return
        # Loaded before the demo had a shop: add it, as the first run now would.
        users = {user.username: user for user in User.objects.filter(username__in=[demo.clerk, demo.shopkeeper])}
        if len(users) != 2:
            raise CommandError(
                _("The demo users %(clerk)s and %(shopkeeper)s are missing; cannot open the demo shop.")
                % {"clerk": demo.clerk, "shopkeeper": demo.shopkeeper}
            )
        try:
            with transaction.atomic():
                clerk, shopkeeper = users[demo.clerk], users[demo.shopkeeper]
                shop = open_shop(village, demo, clerk=clerk, shopkeeper=shopkeeper, today=timezone.localdate())
        except DomainError as error:  # say, the clerk no longer keeps the village
            raise CommandError(error.message) from error
        self._report_shop(shop)

    def _report(self, village: Village, *, seconds: float) -> None:
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

    def _report_users(self, passwords: dict[str, str]) -> None:
        roles = {"officer": _("officer of %(town)s") % {"town": TOWN}}
        for demo in VILLAGES:
            roles[demo.clerk] = _("clerk of %(village)s") % {"village": demo.name}
            roles[demo.shopkeeper] = _("shopkeeper of %(shop)s, at /counter/") % {"shop": demo.shop_name}
        self.stdout.write(_("Demo users (sign in at /admin/):"))
        for username, _role in USERS:
            if username in passwords:
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


def open_shop(village: Village, demo: DemoVillage, *, clerk: User, shopkeeper: User, today: date) -> Shop:
    """Open the shop of a village loaded before the demo had one, and replay its months after the year."""
    active = village.households.filter(active=True)
    shop, goods, products = stock_shop(village, shopkeeper=shopkeeper, households=active.count(), name=demo.shop_name)
    households = {h.number: h for h in active}
    balances = dict(active.values_list("number", "balance"))
    opened = dict(
        Entry.objects.filter(household__in=active, kind=Entry.Kind.OPENING).values_list(
            "household__number", "occurred_on"
        )
    )
    steps = plan_shop(random.Random(demo.shop_seed), goods, balances, opened, today=today)
    redemptions: dict[str, Redemption] = {}
    for step in steps:
        shop_step(step, shop=shop, products=products, households=households, redemptions=redemptions,
                  clerk=clerk, shopkeeper=shopkeeper)  # fmt: skip
    return shop


def _new_password() -> str:
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _group in range(3))
