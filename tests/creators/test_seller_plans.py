"""Seller center, commission plans: open rates per product, targeted offers made by
handle, a rate change (a cut waits 30 days), withdrawal; a shop sees only its own plans
and forms say what to fix."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creators.models import PlanStatus, TargetedPlan
from tests.creators.money_support import make_creator
from tests.factories import ProductFactory, SellerFactory

pytestmark = pytest.mark.django_db


def url(name, seller, *args):
    return reverse(f"seller_plans:{name}", args=[seller.slug, *args])


@pytest.fixture
def seller(markets):
    return SellerFactory(market=markets["US"], slug="glow-lab", name="Glow Lab")


@pytest.fixture
def products(seller):
    return [
        ProductFactory(seller=seller, title="Snail serum", commission_rate_bp=1000),
        ProductFactory(seller=seller, title="Dew balm", commission_rate_bp=1200),
    ]


@pytest.fixture
def casey(markets):
    return make_creator(markets["US"], "casey")


@pytest.fixture
def owner(client, seller):
    client.force_login(seller.owner)
    return client


def offer(owner, seller, chosen, **data):
    body = {"handle": "@casey", "products": [p.pk for p in chosen], "rate": "20", **data}
    return owner.post(url("list", seller), body)


def test_page_shows_open_rates_and_scheduled_cut(owner, seller, products):
    serum = products[0]
    serum.commission_rate_next_bp = 500
    serum.commission_rate_next_at = timezone.now() + timedelta(days=12)
    serum.save()
    page = owner.get(url("list", seller)).content.decode()
    assert "Snail serum" in page and "Dew balm" in page
    assert "12\u00a0%" in page and "5\u00a0% from" in page
    assert reverse("seller:product-edit", args=[seller.slug, serum.pk]) in page


def test_offer_to_a_creator_by_handle(owner, seller, products, casey):
    response = offer(owner, seller, products, message="Love your videos")
    assert response.status_code == 302
    plan = TargetedPlan.objects.get()
    assert (plan.seller, plan.creator, plan.rate_bp) == (seller, casey, 2000)
    assert plan.status == PlanStatus.OFFERED and plan.message == "Love your videos"
    assert set(plan.products.all()) == set(products)
    page = owner.get(url("list", seller)).content.decode()
    assert "@casey" in page and "Offered" in page


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"handle": "nobody"}, "handle", "No creator has the handle @nobody"),
        ({"rate": "95"}, "rate", "between 1 % and 80 %"),
        ({"rate": "abc"}, "rate", "Enter a percentage"),
        ({"products": []}, "products", "Choose at least one product"),
    ],
)
def test_offer_errors_sit_by_their_field(owner, seller, products, casey, data, field, text):
    response = offer(owner, seller, products, **data)
    assert response.status_code == 400
    errors = response.context["offer_form"].errors
    assert text in " ".join(errors[field])
    assert not TargetedPlan.objects.exists()


def test_offer_to_a_creator_in_another_market_or_twice(owner, seller, products, casey, markets):
    make_creator(markets["GB"], "isla")
    response = offer(owner, seller, products, handle="isla")
    assert "another market" in " ".join(response.context["offer_form"].errors["handle"])
    assert offer(owner, seller, products).status_code == 302
    again = offer(owner, seller, products)
    assert again.status_code == 400
    assert "already has an open or accepted plan" in " ".join(
        again.context["offer_form"].errors["handle"]
    )


def test_another_shops_product_cannot_be_offered(owner, seller, products, casey, markets):
    theirs = ProductFactory(seller=SellerFactory(market=markets["US"], slug="other"))
    response = offer(owner, seller, [theirs])
    assert response.status_code == 400 and "products" in response.context["offer_form"].errors


def test_raise_applies_now_and_cut_waits_30_days(owner, seller, products, casey):
    offer(owner, seller, products)
    plan = TargetedPlan.objects.get()
    response = owner.post(url("rate", seller, plan.pk), {f"plan{plan.pk}-rate": "25"}, follow=True)
    plan.refresh_from_db()
    assert plan.rate_bp == 2500 and plan.rate_next_bp is None
    assert "now earns 25" in response.content.decode()
    response = owner.post(url("rate", seller, plan.pk), {f"plan{plan.pk}-rate": "10"}, follow=True)
    plan.refresh_from_db()
    assert (plan.rate_bp, plan.rate_next_bp) == (2500, 1000)
    assert plan.rate_next_at - timezone.now() > timedelta(days=29)
    page = response.content.decode()
    assert "30 days' notice" in page and "Cut to 10" in page


def test_rate_error_is_shown_by_the_plan(owner, seller, products, casey):
    offer(owner, seller, products)
    plan = TargetedPlan.objects.get()
    response = owner.post(url("rate", seller, plan.pk), {f"plan{plan.pk}-rate": "0.5"})
    assert response.status_code == 400
    (shown,) = response.context["plans"]
    assert "between 1 % and 80 %" in " ".join(shown.rate_form.errors["rate"])


def test_withdraw(owner, seller, products, casey):
    offer(owner, seller, products)
    plan = TargetedPlan.objects.get()
    assert owner.post(url("withdraw", seller, plan.pk)).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WITHDRAWN
    # An ended plan cannot have its rate changed.
    assert (
        owner.post(url("rate", seller, plan.pk), {f"plan{plan.pk}-rate": "30"}).status_code == 404
    )


def test_another_shops_plans_are_404_and_not_listed(client, seller, products, casey, markets):
    client.force_login(seller.owner)
    offer(client, seller, products)
    plan = TargetedPlan.objects.get()
    other = SellerFactory(market=markets["US"], slug="other")
    client.force_login(other.owner)
    assert client.get(url("list", other)).context["plans"] == []
    assert client.post(url("withdraw", other, plan.pk)).status_code == 404
    assert (
        client.post(url("rate", other, plan.pk), {f"plan{plan.pk}-rate": "30"}).status_code == 404
    )
    assert client.get(url("list", seller)).status_code == 404
    plan.refresh_from_db()
    assert plan.status == PlanStatus.OFFERED and plan.rate_bp == 2000


def test_plans_page_query_count_is_fixed(owner, seller, products, casey, markets,
                                         django_assert_max_num_queries):  # fmt: skip
    for i in range(4):
        c = make_creator(markets["US"], f"c{i}")
        offer(owner, seller, products, handle=c.handle)
    with django_assert_max_num_queries(14):
        assert owner.get(url("list", seller)).status_code == 200
