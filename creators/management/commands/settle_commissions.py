"""``manage.py settle_commissions --as-of YYYY-MM-DD``: the daily settlement, as of a date."""

from datetime import UTC, date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from creators.services.commissions import settlement_run


class Command(BaseCommand):
    help = (
        "Make sellers' shares available 7 days after delivery and creators' commissions "
        "available once the return window has closed with no return open."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="settle as at the end of this date (default: now)")

    def handle(self, *args, as_of=None, **options):
        moment = None
        if as_of:
            try:
                day = date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(
                    f"--as-of must be a date like 2026-11-23, not {as_of!r}"
                ) from None
            if day < date(2000, 1, 1):
                raise CommandError(f"--as-of {day} is before any sale could have been made")
            if day > timezone.localdate():
                # Settling ahead of time would release money before its return window closes.
                raise CommandError(f"--as-of {day} is in the future; settlement runs up to today")
            moment = min(datetime.combine(day, time.max, UTC), timezone.now())
        done = settlement_run(as_of=moment)
        self.stdout.write(
            f"{done['orders_settled']} orders settled for sellers, "
            f"{done['commissions_released']} commissions made available"
        )
