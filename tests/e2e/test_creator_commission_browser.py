"""From a video to the creator's dashboard in a real browser: a shopper taps the product
chip in a creator's video, buys it through checkout with the sandbox card, and the creator
signs in and sees that sale's commission as pending on /creator/."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from playwright.sync_api import expect

from creators.feed.feeds import pools_refresh
from creators.models import Commission, CommissionStatus, Creator, Video, VideoProduct, VideoStatus
from shop.models import Order
from tests.e2e.conftest import PHONE
from tests.e2e.test_feed_browser import h264_clip, jpeg
from tests.factories import ProductFactory, SellerFactory, UserFactory, ensure_markets

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager"),
]

PASSWORD = "pass-12345"  # the factories' password


@pytest.fixture
def video(own_feed_keys, tmp_path):
    us = ensure_markets()["US"]
    serum = ProductFactory(
        seller=SellerFactory(name="GlowLab", market=us),
        title="Snail mucin serum",
        commission_rate_bp=1500,
        variants=[{"price_minor": 2000, "stock": 5}],
    )
    mia = Creator.objects.create(
        user=UserFactory(username="mia", market=us),
        handle="glowwithmia",
        display_name="Mia",
        market=us,
    )
    UserFactory(username="shopper", market=us)
    file = default_storage.save(f"videos/{mia.pk}/e2e.mp4", ContentFile(h264_clip(tmp_path)))
    poster = default_storage.save(f"videos/{mia.pk}/e2e.jpg", ContentFile(jpeg((200, 40, 90))))
    video = Video.objects.create(
        creator=mia,
        market=us,
        caption="My glass-skin routine",
        category=serum.category,
        status=VideoStatus.PUBLISHED,
        file=file,
        poster=poster,
        duration_ms=3000,
        width=180,
        height=320,
        published_at=timezone.now(),
        view_count=100,
    )
    VideoProduct.objects.create(video=video, product=serum, position=1)
    pools_refresh(market_codes=["US"], force=True)
    yield video


def _sign_in(page, base: str, username: str, then: str = "/") -> None:
    page.goto(f"{base}/accounts/login/?next={then}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Log in", re.I)).click()


def test_a_purchase_from_a_video_shows_as_pending_commission(live_server, page, browser, video):
    _sign_in(page, live_server.url, "shopper")
    expect(page.locator(".feed-item.is-active")).to_have_count(1)
    chip = page.locator(".feed-item.is-active .chip").first
    expect(chip).to_contain_text("Snail mucin serum")
    chip.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Snail mucin serum")
    page.get_by_role("button", name="Buy now").click()
    page.get_by_label("Full name").fill("Ada Shopper")
    page.get_by_label("Address").fill("1 Main St")
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("Postal code").fill("12345")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/31")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    order = Order.objects.get()
    commission = Commission.objects.get()
    assert (commission.creator_id, commission.video_id) == (video.creator_id, video.pk)
    assert commission.status == CommissionStatus.PENDING and commission.amount_minor == 300

    creator = page.context.browser.new_context(viewport=PHONE, locale="en-US", timezone_id="UTC")
    mine = creator.new_page()
    try:
        _sign_in(mine, live_server.url, "mia", then="/creator/")
        expect(mine.get_by_role("heading", name="Dashboard")).to_be_visible()
        expect(mine.get_by_role("definition").filter(has_text="$3.00").first).to_be_visible()
        row = mine.locator(".db-commission").filter(has_text=order.number)
        expect(row).to_contain_text("Snail mucin serum")
        expect(row.locator(".db-badge")).to_have_text("Pending")
        expect(row).to_contain_text("15\u00a0%")
        expect(row.locator(".db-net")).to_contain_text("$3.00")
    finally:
        creator.close()
