"""``python manage.py import_shopify_csv FILE --seller SLUG``: import a Shopify product CSV
export into a seller's catalog. A file with any problem imports nothing; the problems are
printed by row and column and the command exits non-zero."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shop.models import Seller
from shop.services.shopify_import import shopify_csv_import


class Command(BaseCommand):
    help = "Import products from a Shopify product CSV export into one seller's catalog."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the CSV file Shopify exported")
        parser.add_argument("--seller", required=True, help="Slug of the seller to import into")
        parser.add_argument(
            "--no-fetch-images",
            dest="fetch_images",
            action="store_false",
            help="Keep image URLs as links instead of downloading them",
        )

    def handle(self, *args, file, seller, fetch_images, **options):
        try:
            shop = Seller.objects.select_related("market").get(slug=seller)
        except Seller.DoesNotExist:
            raise CommandError(f"No seller with the slug “{seller}”.")
        path = Path(file)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}")

        result = shopify_csv_import(seller=shop, data=data, fetch_images=fetch_images)
        if not result.ok:
            for problem in result.errors:
                self.stderr.write(str(problem))
            total = len(result.errors) + result.errors_not_shown
            if result.errors_not_shown:
                self.stderr.write(f"… and {result.errors_not_shown} more.")
            plural = "s" if total != 1 else ""
            raise CommandError(f"{path.name}: {total} problem{plural} found; nothing was imported.")
        self.stdout.write(self.style.SUCCESS(f"{shop.name}: {result.summary()}."))
