"""The tap link /t/<video>/<product>/: records the ProductTap attribution reads, then
opens the in-app product page."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from creators.models import ProductTap, TapSource, Video, VideoStatus
from creators.services.engagement import engagement_fold
from tests.creators.feed_support import viewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(world):
    product = world.product(stock=4)
    video = world.video(world.creator("chef"), products=[product])
    return video, product


def test_signed_in_tap_is_recorded_and_redirects_to_the_product_page(tagged, world):
    video, product = tagged
    me = viewer(world)
    client = Client()
    client.force_login(me)
    response = client.get(f"/t/{video.pk}/{product.pk}/")
    assert response.status_code == 302
    assert response["Location"] == product.get_absolute_url()
    tap = ProductTap.objects.get()
    assert (tap.user, tap.product, tap.video, tap.creator, tap.source) == (
        me,
        product,
        video,
        video.creator,
        TapSource.VIDEO,
    )
    assert tap.visitor_id == ""
    # The click also counts as engagement, through the buffer.
    engagement_fold()
    assert Video.objects.get(pk=video.pk).tap_count == 1


def test_anonymous_tap_carries_a_new_visitor_cookie(tagged):
    video, product = tagged
    client = Client()
    response = client.get(f"/t/{video.pk}/{product.pk}/")
    assert response.status_code == 302
    visitor = response.cookies["vid"].value
    assert str(uuid.UUID(visitor)) == visitor and response.cookies["vid"]["httponly"]
    tap = ProductTap.objects.get()
    assert tap.user is None and tap.visitor_id == visitor
    # The same browser keeps its id.
    client.get(f"/t/{video.pk}/{product.pk}/")
    assert set(ProductTap.objects.values_list("visitor_id", flat=True)) == {visitor}


def test_a_forged_visitor_cookie_is_not_trusted(tagged):
    video, product = tagged
    client = Client()
    client.cookies["vid"] = "'; drop table --"
    client.get(f"/t/{video.pk}/{product.pk}/")
    assert str(uuid.UUID(ProductTap.objects.get().visitor_id))


def test_anonymous_taps_become_the_users_on_sign_in(tagged, world):
    video, product = tagged
    client = Client()
    client.get(f"/t/{video.pk}/{product.pk}/")
    me = viewer(world)
    me.set_password("pass-12345")
    me.save()
    assert client.post(
        "/accounts/login/", {"username": me.username, "password": "pass-12345"}
    ).status_code in (302, 303)
    assert ProductTap.objects.get().user == me


@pytest.mark.parametrize("case", ["untagged", "unpublished", "missing"])
def test_tap_on_a_product_the_video_does_not_feature_is_a_404(tagged, world, case):
    video, product = tagged
    if case == "untagged":
        product = world.product()
    elif case == "unpublished":
        Video.objects.filter(pk=video.pk).update(status=VideoStatus.REMOVED)
    else:
        product.pk = 999_999
    response = Client().get(f"/t/{video.pk}/{product.pk}/")
    assert response.status_code == 404
    assert not ProductTap.objects.exists()


def test_tap_link_is_get_only_and_never_cached(tagged):
    video, product = tagged
    response = Client().get(f"/t/{video.pk}/{product.pk}/")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert Client().post(f"/t/{video.pk}/{product.pk}/").status_code == 405
