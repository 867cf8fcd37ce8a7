from django.urls import path

from . import money, money_plans

urlpatterns = [
    path("creator/dashboard/", money.CreatorDashboardView.as_view(), name="api-creator-dashboard"),
    path(
        "creator/commissions/",
        money.CreatorCommissionListView.as_view(),
        name="api-creator-commissions",
    ),
    path(
        "creator/commissions/<int:pk>/",
        money.CreatorCommissionDetailView.as_view(),
        name="api-creator-commission",
    ),
    path("creator/payouts/", money.CreatorPayoutListView.as_view(), name="api-creator-payouts"),
    path(
        "creator/payouts/<int:pk>/",
        money.CreatorPayoutDetailView.as_view(),
        name="api-creator-payout",
    ),
    path(
        "creator/payouts/<int:pk>/statement/",
        money.CreatorPayoutStatementView.as_view(),
        name="api-creator-payout-statement",
    ),
    path("creator/plans/", money_plans.CreatorPlanListView.as_view(), name="api-creator-plans"),
    path(
        "creator/plans/<int:pk>/accept/",
        money_plans.CreatorPlanAcceptView.as_view(),
        name="api-creator-plan-accept",
    ),
    path(
        "creator/plans/<int:pk>/decline/",
        money_plans.CreatorPlanDeclineView.as_view(),
        name="api-creator-plan-decline",
    ),
    path("seller/plans/", money_plans.SellerPlanListView.as_view(), name="api-seller-plans"),
    path(
        "seller/plans/<int:pk>/",
        money_plans.SellerPlanDetailView.as_view(),
        name="api-seller-plan",
    ),
    path(
        "seller/plans/<int:pk>/rate/",
        money_plans.SellerPlanRateView.as_view(),
        name="api-seller-plan-rate",
    ),
    path(
        "seller/plans/<int:pk>/withdraw/",
        money_plans.SellerPlanWithdrawView.as_view(),
        name="api-seller-plan-withdraw",
    ),
]
