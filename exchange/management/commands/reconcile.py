"""`manage.py reconcile`: prove the books. Exits non-zero on any difference.

Checks every household's cached score and balance against the sums of its ledger entries and
their *_after chain, its hash chain (any rewritten, removed or inserted entry), its cached points
per year against that year's entries, its cached latest award against its awards not undone, its
village's months' totals against the entries, every reversal against the entry it undoes, and
every product's stock against its movements. It lives in the exchange, the top app, because it
reads both books.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from credits.month_sums import month_total_differences
from credits.selectors import (
    last_award_differences,
    ledger_and_chain,
    reversal_mismatches,
    year_score_differences,
)
from exchange.models import Product
from exchange.selectors import stock_differences
from households.models import Household, Village

# What each break in a household's hash chain (credits/chain.py) means.
BREAKS = {
    "rewritten": gettext_lazy("%(household)s: entry #%(entry)s no longer matches its hash: it was rewritten"),
    "removed": gettext_lazy(
        "%(household)s: the hash chain breaks before entry #%(entry)s: an entry before it was removed or rewritten"
    ),
    "inserted": gettext_lazy("%(household)s: entries before #%(entry)s do not belong in the hash chain: inserted"),
    "head": gettext_lazy(
        "%(household)s: the household's chain head is not its last entry's hash: entries at the end were "
        "removed or added"
    ),
}


class Command(BaseCommand):
    help = gettext_lazy("Check cached scores, balances and stock against the ledger and the stock movements.")

    def handle(self, **options):
        problems = 0
        differences, breaks = ledger_and_chain()
        for d in differences:
            problems += 1
            self.stdout.write(
                _(
                    "%(village)s/%(number)s (id %(id)s): score %(score)s but entries sum to %(score_sum)s; "
                    "balance %(balance)s but entries sum to %(balance_sum)s; "
                    "%(breaks)s broken links in the score_after/balance_after chain"
                )
                % {
                    "village": d.village_code,
                    "number": d.number,
                    "id": d.household_id,
                    "score": d.score,
                    "score_sum": d.score_sum,
                    "balance": d.balance,
                    "balance_sum": d.balance_sum,
                    "breaks": d.chain_breaks,
                }
            )
        where = {
            pk: f"{code}/{number}"
            for pk, code, number in Household.objects.filter(pk__in={b.household_id for b in breaks}).values_list(
                "pk", "village__code", "number"
            )
        }
        for found in breaks:
            problems += 1
            self.stdout.write(
                BREAKS[found.problem] % {"household": where[found.household_id], "entry": found.entry_id}
            )
        for entry_id, village, number in reversal_mismatches():
            problems += 1
            self.stdout.write(
                _("%(village)s/%(number)s: reversal #%(entry)s does not undo the entry it points at")
                % {"village": village, "number": number, "entry": entry_id}
            )
        for household_id, year, cached, total in year_score_differences():
            problems += 1
            self.stdout.write(
                _("Household id %(id)s: %(year)s points cached as %(cached)s but its entries sum to %(sum)s")
                % {"id": household_id, "year": year, "cached": cached, "sum": total}
            )
        for household_id, cached, latest in last_award_differences():
            problems += 1
            self.stdout.write(
                _("Household id %(id)s: latest award cached as %(cached)s but its entries say %(latest)s")
                % {"id": household_id, "cached": cached or "-", "latest": latest or "-"}
            )
        months = month_total_differences()
        codes = dict(Village.objects.filter(pk__in={d.village_id for d in months}).values_list("pk", "code"))
        for d in months:
            problems += 1
            self.stdout.write(
                _(
                    "%(village)s %(year)s-%(month)02d, %(kind)s %(rule)s: the month's totals say %(cached_count)s "
                    "entries of %(cached_points)s points but the entries are %(count)s of %(points)s"
                )
                % {
                    "village": codes.get(d.village_id, d.village_id),
                    "year": d.year,
                    "month": d.month,
                    "kind": d.kind,
                    "rule": " / ".join(name for name in (d.domain_name, d.rule_name) if name) or "-",
                    "cached_count": d.cached_count,
                    "cached_points": d.cached_points,
                    "count": d.count,
                    "points": d.points,
                }
            )
        for d in stock_differences():
            problems += 1
            self.stdout.write(
                _(
                    "%(shop)s / %(product)s (id %(id)s): stock %(stock)s but movements sum to %(sum)s; "
                    "%(breaks)s broken links in the stock_after chain"
                )
                % {
                    "shop": d.shop,
                    "product": d.product,
                    "id": d.product_id,
                    "stock": d.stock,
                    "sum": d.movement_sum,
                    "breaks": d.chain_breaks,
                }
            )
        if problems:
            message = ngettext(
                "%(count)s difference between the cached figures and the books.",
                "%(count)s differences between the cached figures and the books.",
                problems,
            )
            raise CommandError(message % {"count": problems})
        self.stdout.write(
            self.style.SUCCESS(
                _("All %(households)s households and %(products)s products agree with their books.")
                % {"households": Household.objects.count(), "products": Product.objects.count()}
            )
        )
