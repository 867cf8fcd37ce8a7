"""Shared set-up of the feed tests: keys of each test's own in the shared Redis, a small
market of creators, products and published videos (``World``), and helpers that page
through the feed API.
(The ``world`` fixture and each test's own feed keys are in ``conftest.py``.)"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from creators.feed.feeds import pools_refresh
from creators.models import Creator, Video, VideoProduct, VideoStatus
from tests.factories import CategoryFactory, ProductFactory, SellerFactory, UserFactory
from tests.factories import ensure_markets as _ensure_markets


class World:
    """A small market: creators, categories, products and published videos."""

    def __init__(self):
        self.markets = _ensure_markets()
        self.seller = SellerFactory(market=self.markets["US"])
        self.cooking = CategoryFactory(slug="cooking", name="Cooking")
        self.beauty = CategoryFactory(slug="beauty", name="Beauty")
        self.creators: list[Creator] = []
        self._n = 0

    def creator(self, handle: str) -> Creator:
        user = UserFactory(username=f"cr-{handle}", market=self.markets["US"])
        c = Creator.objects.create(
            user=user, handle=handle, display_name=handle.title(), market=self.markets["US"]
        )
        self.creators.append(c)
        return c

    def product(self, *, stock=10, category=None, price=1299):
        return ProductFactory(
            seller=self.seller,
            category=category or self.beauty,
            variants=[{"price_minor": price, "stock": stock}],
        )

    def video(self, creator, *, category=None, products=(), hours_ago=1.0, **counts) -> Video:
        self._n += 1
        video = Video.objects.create(
            creator=creator,
            market=self.markets["US"],
            caption=f"Clip {self._n}",
            hashtags="demo",
            category=category,
            status=VideoStatus.PUBLISHED,
            file=f"videos/{creator.pk}/clip{self._n}.mp4",
            poster=f"videos/{creator.pk}/clip{self._n}.jpg",
            duration_ms=8000,
            published_at=timezone.now() - timedelta(hours=hours_ago),
            **counts,
        )
        for i, p in enumerate(products, start=1):
            VideoProduct.objects.create(video=video, product=p, position=i)
        return video


def viewer(world, name="viewer"):
    return UserFactory(username=name, market=world.markets["US"])


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def fill(world, n=30, creators=6):
    people = [world.creator(f"maker{i}") for i in range(creators)]
    cats = [world.cooking, world.beauty]
    videos = [
        world.video(
            people[i % creators],
            category=cats[i % 2],
            hours_ago=1 + i,
            view_count=100 * (i + 1),
            like_count=7 * (i + 1),
            completion_count=40 * (i + 1),
        )
        for i in range(n)
    ]
    pools_refresh(market_codes=["US"], force=True)
    return videos


def page_through(client, url, *, between=None, limit=200):
    seen, pages = [], 0
    while url and pages < limit:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [item["id"] for item in body["results"]]
        url = body["next"]
        pages += 1
        if between:
            between(pages)
    return seen


def publish_more(world, count=2):
    def between(page):
        for _ in range(count):
            world.video(world.creators[0], category=world.cooking, hours_ago=0)

    return between
