"""``manage.py ledger_check``: verify every ledger invariant; exit 1 naming the first break."""

from django.core.management.base import BaseCommand, CommandError

from marketplace.ledger.checks import ledger_breaks
from marketplace.ledger.models import LedgerEntry, LedgerPosting


class Command(BaseCommand):
    help = (
        "Verify the ledger: every entry balances per currency, every balance equals the sum "
        "of its postings, and per order what the buyer paid minus refunds equals the shares."
    )

    def handle(self, *args, **options):
        breaks = ledger_breaks()
        first = next(breaks, None)
        if first is not None:
            more = sum(1 for _ in breaks)
            suffix = f" (and {more} more)" if more else ""
            raise CommandError(f"ledger check failed: {first}{suffix}")
        self.stdout.write(
            self.style.SUCCESS(
                f"ledger ok: {LedgerEntry.objects.count()} entries, "
                f"{LedgerPosting.objects.count()} postings, every invariant holds"
            )
        )
