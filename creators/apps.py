from django.apps import AppConfig


class CreatorsConfig(AppConfig):
    name = "creators"
    verbose_name = "Creators"

    def ready(self) -> None:
        from marketplace.events import subscribe
        from marketplace.hooks import register_product_section

        from .feed import signals  # noqa: F401
        from .feed.sections import featured_in_section

        register_product_section(featured_in_section)
        # "Bought" feeds the buyer's interests.
        subscribe("order.paid", "creators.services.engagement.affinity_on_order_paid")
