from django.urls import path, re_path

from .views import dashboard

urlpatterns = [
    path("creator/", dashboard.creator_dashboard, name="creator-dashboard"),
    path("creator/commissions/", dashboard.creator_commission_list, name="creator-commissions"),
    path(
        "creator/payouts/<int:pk>/statement.csv",
        dashboard.creator_payout_statement,
        name="creator-payout-statement",
    ),
    re_path(
        r"^creator/offers/(?P<pk>[0-9]+)/(?P<answer>accept|decline)/$",
        dashboard.creator_offer_respond,
        name="creator-offer-respond",
    ),
]
