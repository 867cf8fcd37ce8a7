from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace kernel"

    def ready(self) -> None:
        from . import signals  # noqa: F401
