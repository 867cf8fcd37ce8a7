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
        from .views.affiliate import affiliate_link_section

        register_product_section(affiliate_link_section)
        # "Bought" feeds the buyer's interests.
        subscribe("order.paid", "creators.services.engagement.affinity_on_order_paid")
        # Commissions: accrued on payment, reduced or reversed by refunds.
        subscribe("order.paid", "creators.services.commissions.accrue_on_order_paid")
        subscribe("order.refunded", "creators.services.commissions.reverse_on_order_refunded")

        from marketplace.hooks import register_payees
        from shop.services import payouts as shop_payouts
        from shop.services.payouts_support import register_statement_detail

        from . import payouts

        register_payees("creator", payouts.creator_payees)
        register_statement_detail("creator", payouts.statement_commissions)
        shop_payouts.payouts_built.connect(payouts.attach_on_built, dispatch_uid="creators-attach")
        shop_payouts.payout_paid.connect(payouts.mark_paid, dispatch_uid="creators-paid")
        shop_payouts.payout_failed.connect(payouts.note_failed, dispatch_uid="creators-failed")
        shop_payouts.payouts_locking.connect(payouts.lock_on_building, dispatch_uid="creators-lock")
