from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop"

    def ready(self) -> None:
        from marketplace.events import subscribe
        from marketplace.ledger.checks import register_reconciler

        from . import signals  # noqa: F401
        from .reconcile import orders_reconcile

        register_reconciler(orders_reconcile)

        from marketplace.hooks import register_payees

        from .services.payouts_support import seller_payees

        register_payees("seller", seller_payees)

        subscribe("payment.captured", "shop.handlers.order_pay_on_capture")
        subscribe("order.paid", "shop.handlers.order_emails_on_paid")
        subscribe("order.shipped", "shop.handlers.order_emails_on_shipped")
        subscribe("payment.captured", "shop.handlers.refund_on_late_capture")
