"""The feed in HTML: the / page without JavaScript, the remembered Popular switch, and the
product page's "Featured in" videos."""

from __future__ import annotations

import pytest

from creators.feed.feeds import pools_refresh
from creators.models import FeedProfile, Video, VideoStatus
from tests.creators.feed_support import fill, viewer

pytestmark = pytest.mark.django_db


def test_the_feed_page_renders_videos_chips_and_reasons_without_javascript(world):
    from django.test import Client

    maker = world.creator("chef")
    product = world.product(stock=2)
    video = world.video(maker, category=world.cooking, products=[product])
    pools_refresh(market_codes=["US"], force=True)
    response = Client().get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'src="/media/{video.file.name}"' in html and "controls" in html
    assert f'href="/t/{video.pk}/{product.pk}/"' in html and "Only 2 left" in html
    assert "Why this video?" in html and "Popular in US" in html
    assert 'aria-current="page">For You' in html
    assert response.cookies["vid"].value  # the visitor id taps are attributed to


def test_the_popular_switch_is_remembered(world):
    from django.test import Client

    fill(world, n=4)
    me = viewer(world)
    client = Client()
    client.force_login(me)
    assert 'aria-pressed="false"' in client.get("/").content.decode()  # For You
    response = client.post("/feed/mode/", {"mode": "popular", "next": "/"})
    assert response.status_code == 302 and response.cookies["feed_mode"].value == "popular"
    assert FeedProfile.objects.get(user=me).mode == "popular"
    assert 'aria-pressed="true"' in client.get("/").content.decode()
    other_device = Client()
    other_device.force_login(me)  # no cookie there: the profile remembers
    assert 'aria-pressed="true"' in other_device.get("/").content.decode()
    client.post("/feed/mode/", {"mode": "foryou"})
    assert 'aria-pressed="false"' in client.get("/").content.decode()


def test_product_page_shows_the_videos_that_feature_it(world):
    from django.test import Client

    maker = world.creator("reviewer")
    product = world.product(stock=5)
    featured = [world.video(maker, products=[product], view_count=10 * i) for i in range(3)]
    world.video(maker)  # tags nothing
    hidden = world.video(maker, products=[product])
    Video.objects.filter(pk=hidden.pk).update(status=VideoStatus.REMOVED)
    html = Client().get(product.get_absolute_url()).content.decode()
    assert "Featured in" in html
    links = [f'href="/?v={v.pk}"' for v in reversed(featured)]  # most watched first
    positions = [html.index(link) for link in links]
    assert positions == sorted(positions)
    assert f'href="/?v={hidden.pk}"' not in html
    # A product no video features has no such section.
    lonely = world.product()
    assert "Featured in" not in Client().get(lonely.get_absolute_url()).content.decode()
