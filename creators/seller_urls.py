"""Seller center pages that creators provides (targeted plans are creators' models);
included under ``/seller/<slug>/plans/`` beside the shop's seller center."""

from django.urls import path

from .views import seller_plans as views

app_name = "seller_plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/rate/", views.plan_rate, name="rate"),
    path("<int:pk>/withdraw/", views.plan_withdraw_view, name="withdraw"),
]
