"""`manage.py reconcile`: prove that every cached score and balance equals its ledger."""

from django.core.management.base import BaseCommand, CommandError

from credits.selectors import ledger_differences
from households.models import Household


class Command(BaseCommand):
    help = "Check every household's cached score and balance against its ledger entries."

    def handle(self, **options):
        differences = ledger_differences()
        for d in differences:
            self.stdout.write(
                f"{d.village_code}/{d.number} (id {d.household_id}): "
                f"score {d.score} but entries sum to {d.score_sum}; "
                f"balance {d.balance} but entries sum to {d.balance_sum}; "
                f"{d.chain_breaks} broken links in the score_after/balance_after chain"
            )
        if differences:
            raise CommandError(f"{len(differences)} households differ from their ledger.")
        self.stdout.write(self.style.SUCCESS(f"All {Household.objects.count()} households agree with their ledger."))
