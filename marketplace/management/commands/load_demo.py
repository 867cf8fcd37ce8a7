"""``python manage.py load_demo``: markets, demo accounts, a catalog with generated images
and live deals. Idempotent: a second run finds everything in place and writes nothing."""

import sys
import time

from django.core.management.base import BaseCommand
from django.utils import timezone
from tqdm import tqdm

from marketplace.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoContext, load


class Command(BaseCommand):
    help = "Load the demo markets, accounts, catalog and deals (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Seed for the generated data")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar")

    def handle(self, *args, seed: int, no_progress: bool, verbosity: int, **options):
        started = time.monotonic()
        show = verbosity > 0 and not no_progress
        with tqdm(
            total=0, unit="step", file=sys.stderr, disable=not show, dynamic_ncols=True
        ) as bar:
            ctx = DemoContext(seed=seed, now=timezone.now(), progress=bar)
            load(ctx)
            bar.set_description("demo data ready")
        if verbosity == 0:
            return
        written = {k: v for k, v in sorted(ctx.counts.items()) if v}
        if written:
            self.stdout.write("Written: " + ", ".join(f"{k} {v}" for k, v in written.items()))
        else:
            self.stdout.write("Demo data already in place: nothing to write.")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded in {time.monotonic() - started:.1f}s.")
            + f" Accounts: {', '.join(DEMO_ACCOUNTS)} (password {DEMO_PASSWORD})"
        )
