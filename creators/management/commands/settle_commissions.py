"""``manage.py settle_commissions --as-of YYYY-MM-DD``: the daily settlement, as of a date."""

from datetime import UTC, datetime, time

from django.core.management.base import BaseCommand, CommandError

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
                moment = datetime.combine(datetime.fromisoformat(as_of).date(), time.max, UTC)
            except ValueError:
                raise CommandError(
                    f"--as-of must be a date like 2026-11-23, not {as_of!r}"
                ) from None
        done = settlement_run(as_of=moment)
        self.stdout.write(
            f"{done['orders_settled']} orders settled for sellers, "
            f"{done['commissions_released']} commissions made available"
        )
