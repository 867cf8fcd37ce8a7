"""``manage.py run_payouts --as-of YYYY-MM-DD``: the weekly payout batch, by hand."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from shop.services.payouts import payout_period, payouts_build


class Command(BaseCommand):
    help = (
        "Pay every seller and creator whose available balance reaches the minimum, once per week."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="a date in the payout week (default: today)")

    def handle(self, *args, as_of=None, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise CommandError(f"--as-of must be a date like 2026-11-23, not {as_of!r}") from None
        if day is not None and not date(2000, 1, 1) <= day <= date(9000, 1, 1):
            raise CommandError(f"--as-of {day} is not a plausible payout week")
        made = payouts_build(as_of=day)
        if day:
            start, end = payout_period(day)
            self.stdout.write(f"week {start} to {end}: {made} payouts created")
        else:
            self.stdout.write(f"{made} payouts created")
