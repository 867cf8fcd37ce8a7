"""Creator profiles, becoming a creator, following, and the studio's ownership rule."""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from creators.errors import (
    AlreadyACreator,
    CannotFollowSelf,
    HandleTaken,
    InvalidAvatar,
    InvalidHandle,
)
from creators.models import Creator, Follow, Video, VideoStatus
from creators.services.profiles import creator_create, follow_create, follow_delete
from tests.factories import UserFactory

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


def _video(creator, **kwargs) -> Video:
    defaults = {"status": VideoStatus.PUBLISHED, "caption": "A video", "market": creator.market}
    return Video.objects.create(creator=creator, **{**defaults, **kwargs})


def test_creator_create_in_the_users_market_with_a_square_avatar(markets):
    user = UserFactory(market=markets["JP"])
    avatar = SimpleUploadedFile("me.png", png_bytes((400, 200)), content_type="image/png")
    creator = creator_create(
        user=user, handle=" @Kenji.Cooks ", display_name="Kenji", bio=" hi ", avatar=avatar
    )
    assert (creator.handle, creator.market_id, creator.bio) == ("kenji.cooks", "JP", "hi")
    assert creator.avatar.name.endswith(".jpg")
    from PIL import Image

    with Image.open(creator.avatar.path) as img:
        assert img.size == (320, 320) and img.format == "JPEG"
    with pytest.raises(AlreadyACreator):
        creator_create(user=user, handle="another", display_name="K")


@pytest.mark.parametrize(
    ("handle", "error"),
    [
        ("a", InvalidHandle),
        ("has space", InvalidHandle),
        (".dot", InvalidHandle),
        ("admin", HandleTaken),
    ],
)
def test_bad_handles(markets, handle, error):
    with pytest.raises(error):
        creator_create(user=UserFactory(), handle=handle, display_name="X")


def test_taken_handle_and_bad_avatar_store_nothing(creator, settings):
    with pytest.raises(HandleTaken):
        creator_create(user=UserFactory(), handle="Casey", display_name="X")
    text = SimpleUploadedFile("me.png", b"not an image", content_type="image/png")
    with pytest.raises(InvalidAvatar):
        creator_create(user=UserFactory(), handle="newbie", display_name="X", avatar=text)
    assert Creator.objects.count() == 1


def test_follow_and_unfollow_are_idempotent_and_counted_exactly(creator, markets):
    fans = [UserFactory() for _ in range(3)]
    assert follow_create(user=fans[0], creator=creator) is True
    assert follow_create(user=fans[0], creator=creator) is False
    follow_create(user=fans[1], creator=creator)
    follow_create(user=fans[2], creator=creator)
    assert Creator.objects.get(pk=creator.pk).follower_count == 3
    assert follow_delete(user=fans[1], creator=creator) is True
    assert follow_delete(user=fans[1], creator=creator) is False
    creator.refresh_from_db()
    assert creator.follower_count == 2 == Follow.objects.filter(creator=creator).count()
    with pytest.raises(CannotFollowSelf):
        follow_create(user=creator.user, creator=creator)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_follows_count_once(make_creator):
    creator = make_creator("racer")
    fan = UserFactory()
    barrier = threading.Barrier(6)
    errors = []

    def follow():
        try:
            barrier.wait()
            follow_create(user=fan, creator=creator)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=follow) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Creator.objects.get(pk=creator.pk).follower_count == 1


def test_profile_page_shows_published_videos_and_follow_button(client, creator):
    shown = _video(creator, caption="Shown")
    _video(creator, caption="Hidden", status=VideoStatus.PROCESSING)
    _video(creator, caption="Gone", status=VideoStatus.REMOVED)
    response = client.get("/@casey/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/?v={shown.pk}"' in html
    assert "Hidden" not in html and "Gone" not in html
    assert reverse("creator-follow", args=["casey"]) in html
    assert client.get("/@Casey/")["Location"] == "/@casey/"
    assert client.get("/@nobody/").status_code == 404


def test_follow_without_javascript_and_with_htmx(client, creator):
    url = reverse("creator-follow", args=[creator.handle])
    anonymous = client.post(url)
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    assert client.post(url, HTTP_HX_REQUEST="true")["HX-Redirect"].startswith(reverse("login"))

    fan = UserFactory()
    client.force_login(fan)
    plain = client.post(url)
    assert plain.status_code == 302 and plain["Location"] == "/@casey/"
    partial = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Following" in partial and 'id="follower-count" hx-swap-oob="true">1<' in partial
    assert Creator.objects.get(pk=creator.pk).follower_count == 1
    unfollow = client.post(
        reverse("creator-unfollow", args=[creator.handle]), HTTP_HX_REQUEST="true"
    )
    assert ">0<" in unfollow.content.decode()
    assert Creator.objects.get(pk=creator.pk).follower_count == 0
    assert client.get(url).status_code == 405


def test_join_page(client, markets):
    assert reverse("login") in client.get(reverse("creator-join"))["Location"]
    user = UserFactory(market=markets["GB"])
    client.force_login(user)
    assert client.get(reverse("creator-join")).status_code == 200
    bad = client.post(reverse("creator-join"), {"handle": "x", "display_name": "Nat"})
    assert bad.status_code == 400 and "2–30 characters" in bad.content.decode()
    ok = client.post(
        reverse("creator-join"),
        {"handle": "nat.makes", "display_name": "Nat", "bio": "Crafts"},
    )
    assert ok.status_code == 302 and ok["Location"] == reverse("studio-video-new")
    assert Creator.objects.get(user=user).market_id == "GB"
    assert client.get(reverse("creator-join"))["Location"] == reverse("studio-videos")


def test_profile_edit(client, creator):
    client.force_login(creator.user)
    avatar = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    response = client.post(
        reverse("creator-profile-edit"), {"display_name": "Casey C", "bio": "New", "avatar": avatar}
    )
    assert response.status_code == 302
    creator.refresh_from_db()
    assert (creator.display_name, creator.bio) == ("Casey C", "New") and creator.avatar


def test_a_creator_edits_only_their_own_videos_in_the_studio(client, creator, make_creator):
    mine = _video(creator, caption="Mine")
    theirs = _video(make_creator("other"), caption="Theirs")
    client.force_login(creator.user)
    studio = client.get(reverse("studio-videos")).content.decode()
    assert "Mine" in studio and "Theirs" not in studio
    for name in ("studio-video-edit", "studio-video-delete", "studio-video-card"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("studio-video-edit", args=[theirs.pk]), {"caption": "x"}).status_code
        == 404
    )
    assert client.post(reverse("studio-video-delete", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.caption == "Theirs" and theirs.status == VideoStatus.PUBLISHED

    saved = client.post(
        reverse("studio-video-edit", args=[mine.pk]), {"caption": "Edited", "hashtags": "#A b"}
    )
    assert saved.status_code == 302
    mine.refresh_from_db()
    assert (mine.caption, mine.hashtags) == ("Edited", "a b")
    assert (
        client.post(reverse("studio-video-delete", args=[mine.pk]), HTTP_HX_REQUEST="true").content
        == b""
    )
    mine.refresh_from_db()
    assert mine.status == VideoStatus.REMOVED
    assert client.get(reverse("studio-video-edit", args=[mine.pk])).status_code == 404


def test_processing_card_polls_until_done(client, creator):
    video = _video(creator, status=VideoStatus.PROCESSING)
    client.force_login(creator.user)
    card = client.get(reverse("studio-video-card", args=[video.pk])).content.decode()
    assert 'hx-trigger="every 4s"' in card and "Processing" in card
    Video.objects.filter(pk=video.pk).update(status=VideoStatus.PUBLISHED)
    card = client.get(reverse("studio-video-card", args=[video.pk])).content.decode()
    assert "hx-trigger" not in card


def test_product_picker_search(client, creator, products):
    client.force_login(creator.user)
    url = reverse("studio-product-search")
    html = client.get(url, {"q": "serum 1"}).content.decode()
    assert "Glow serum 1" in html and "Glow serum 0" not in html
    html = client.get(url, {"q": "serum", "products": [products[0].pk]}).content.decode()
    assert "Glow serum 0" not in html and "Glow serum 2" in html  # picked ones are not repeated
    assert "No products match" in client.get(url, {"q": "zzz"}).content.decode()


def test_demo_creators_and_clips_load_once(markets, products, django_user_model):
    import random
    from dataclasses import replace

    from creators.demo.creators import CREATORS, load_creators_demo

    django_user_model.objects.create_user("shopper", market=markets["US"])
    roster = [replace(plan, videos=1) for plan in CREATORS[:2]]  # casey.creates, glowwithmia
    counts = load_creators_demo(rng=random.Random(1), roster=roster, workers=1)
    assert counts["creators.Creator created"] == 2 and counts["clips made"] == 2
    casey = Creator.objects.get(handle="casey.creates")
    assert casey.user.username == "creator" and casey.user.check_password("demo-pass-2026")
    assert casey.avatar and casey.video_count == 1
    video = Video.objects.get(creator=casey)
    assert video.status == VideoStatus.PUBLISHED and video.published_at
    assert video.file.name.endswith("demo-001.mp4") and video.poster.name.endswith(".jpg")
    assert (video.width, video.height) == (540, 960) and 5000 <= video.duration_ms <= 15000
    assert 1 <= video.tags.count() <= 3 and video.category_id
    assert Follow.objects.filter(follower__username="shopper").count() == 2
    assert load_creators_demo(rng=random.Random(1), roster=roster, workers=1) == {}
