"""The feed in a real browser: a video plays on its own, its product chip opens the product
page inside the app, and the tap is recorded for attribution."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from imageio_ffmpeg import get_ffmpeg_exe
from PIL import Image
from playwright.sync_api import expect

from creators.feed.feeds import pools_refresh
from creators.models import Creator, ProductTap, Video, VideoProduct, VideoStatus
from tests.factories import ProductFactory, SellerFactory, UserFactory, ensure_markets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def h264_clip(tmp_path, seconds: float = 3.0) -> bytes:
    """A tiny real H.264 MP4 (9:16), the kind the upload pipeline publishes."""
    out = tmp_path / "clip.mp4"
    subprocess.run(
        [
            get_ffmpeg_exe(),
            *("-hide_banner", "-nostdin", "-v", "error", "-y"),
            *("-f", "lavfi", "-i", f"testsrc2=s=180x320:r=24:d={seconds}"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
            *("-movflags", "+faststart", str(out)),
        ],
        check=True,
        timeout=60,
    )
    return out.read_bytes()


def jpeg(color) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (180, 320), color).save(buf, format="JPEG")
    return buf.getvalue()


@pytest.fixture
def feed(own_feed_keys, tmp_path):
    markets = ensure_markets()
    seller = SellerFactory(name="GlowLab", market=markets["US"])
    serum = ProductFactory(
        seller=seller,
        title="Snail mucin serum",
        variants=[{"price_minor": 1299, "stock": 3}],
    )
    maker = Creator.objects.create(
        user=UserFactory(username="mia", market=markets["US"]),
        handle="glowwithmia",
        display_name="Mia",
        market=markets["US"],
    )
    clip = h264_clip(tmp_path)
    videos = []
    for i in range(6):  # more posters than a phone is wide: the Featured in row scrolls
        file = default_storage.save(f"videos/{maker.pk}/e2e-{i}.mp4", ContentFile(clip))
        poster = default_storage.save(
            f"videos/{maker.pk}/e2e-{i}.jpg", ContentFile(jpeg((200, 40 * i, 90)))
        )
        video = Video.objects.create(
            creator=maker,
            market=markets["US"],
            caption=f"My glass-skin routine, part {i + 1}",
            hashtags="skincare",
            category=serum.category,
            status=VideoStatus.PUBLISHED,
            file=file,
            poster=poster,
            duration_ms=3000,
            width=180,
            height=320,
            published_at=timezone.now() - timedelta(hours=i + 1),
            view_count=1000 * (6 - i),
            like_count=100 * (6 - i),
            completion_count=400 * (6 - i),
        )
        VideoProduct.objects.create(video=video, product=serum, position=1)
        videos.append(video)
    pools_refresh(market_codes=["US"], force=True)
    yield videos, serum


@pytest.fixture(autouse=True)
def _leave_the_feed(page):
    """Leaving the feed sends its last events (a beacon): let that request finish while
    the test database is still open."""
    yield
    page.goto("about:blank")
    page.wait_for_timeout(500)


def test_a_video_plays_and_its_product_chip_opens_the_product_page(live_server, page, feed):
    videos, serum = feed
    page.goto(f"{live_server.url}/")

    active = page.locator(".feed-item.is-active")
    expect(active).to_have_count(1)
    # Playing on its own, muted: not paused, and the clock moves.
    page.wait_for_function(
        "() => { const v = document.querySelector('.feed-item.is-active video');"
        " return v && !v.paused && v.muted && v.currentTime > 0.3; }"
    )
    first = page.evaluate("document.querySelector('.feed-item.is-active video').currentTime")
    page.wait_for_timeout(600)
    later = page.evaluate("document.querySelector('.feed-item.is-active video').currentTime")
    assert later != first

    chip = active.locator(".chip").first
    expect(chip).to_be_visible()
    expect(chip).to_contain_text("Snail mucin serum")
    expect(chip).to_contain_text("$12.99")
    expect(chip).to_contain_text("Only 3 left")
    video_id = int(active.get_attribute("data-id"))

    chip.click()
    expect(page).to_have_url(re.compile(rf"/products/{serum.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Snail mucin serum")
    # The page shows the videos featuring it, in a row that scrolls inside the page.
    expect(page.locator(".featured-in a")).to_have_count(6)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    tap = ProductTap.objects.get()
    assert (tap.product_id, tap.video_id, tap.user_id) == (serum.pk, video_id, None)
    assert tap.visitor_id  # the anonymous visitor's cookie


def test_scrolling_snaps_to_the_next_video_and_plays_it(live_server, page, feed):
    page.goto(f"{live_server.url}/")
    page.wait_for_function(
        "() => { const v = document.querySelector('.feed-item.is-active video');"
        " return v && !v.paused; }"
    )
    first_id = page.locator(".feed-item.is-active").get_attribute("data-id")
    page.locator(".feed-list").focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_function(
        "id => { const a = document.querySelector('.feed-item.is-active');"
        " return a && a.dataset.id !== id && !a.querySelector('video').paused; }",
        arg=first_id,
    )
    # The one scrolled away from is paused.
    assert page.evaluate(
        f"document.querySelector('.feed-item[data-id=\"{first_id}\"] video').paused"
    )
