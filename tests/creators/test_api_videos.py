"""The creator API: profiles, follow / unfollow, and creators' CRUD on their own videos."""

from __future__ import annotations

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from creators.models import Creator, Video, VideoProduct, VideoStatus
from shop.models import ProductStatus
from tests.factories import ProductFactory, SellerFactory, UserFactory

from .conftest import stored_files, upload

pytestmark = pytest.mark.django_db

VIDEOS = "/api/creator/videos/"


@pytest.fixture
def api():
    return APIClient()


def _published(creator, caption="A video", products=()) -> Video:
    video = Video.objects.create(
        creator=creator, market=creator.market, caption=caption, status=VideoStatus.PUBLISHED
    )
    for i, product in enumerate(products, start=1):
        VideoProduct.objects.create(video=video, product=product, position=i)
    return video


def test_upload_processes_and_publishes(
    api, creator, products, clips, django_capture_on_commit_callbacks
):
    api.force_authenticate(creator.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            VIDEOS,
            {
                "file": upload(clips.good),
                "caption": "Hi",
                "hashtags": "#glow skin",
                "product_ids": [products[2].pk, products[0].pk],
                "status": "published",  # read-only: ignored
                "view_count": 999,
            },
            format="multipart",
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "processing" and body["view_count"] == 0
    assert [p["id"] for p in body["products"]] == [products[2].pk, products[0].pk]
    assert body["products"][0]["currency"] == "USD" and body["products"][0]["price"] == "19.99"
    assert body["hashtags"] == ["glow", "skin"] and body["creator"]["handle"] == "casey"
    detail = api.get(f"{VIDEOS}{body['id']}/").json()
    assert detail["status"] == "published"
    assert detail["video_url"].endswith(".mp4") and detail["poster_url"].endswith(".jpg")
    assert detail["duration_ms"] > 1000 and (detail["width"], detail["height"]) == (160, 284)


@pytest.mark.parametrize(
    ("clip", "name", "setting", "code"),
    [
        ("good", "a.mp4", {"VIDEO_MAX_BYTES": 1000}, "video_too_large"),
        ("text", "a.mp4", {}, "unsupported_video_format"),
        ("good", "a.gif", {}, "unsupported_video_format"),
        ("truncated_index", "a.mp4", {}, "video_unreadable"),
        ("good", "a.mp4", {"VIDEO_MAX_SECONDS": 1}, "video_too_long"),
    ],
)
def test_upload_errors_have_stable_codes_and_store_nothing(
    api, creator, clips, settings, clip, name, setting, code
):
    for key, value in setting.items():
        setattr(settings, key, value)
    api.force_authenticate(creator.user)
    response = api.post(
        VIDEOS, {"file": upload(getattr(clips, clip), name=name)}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["detail"]
    assert not Video.objects.exists() and stored_files(settings.MEDIA_ROOT) == []


def test_product_errors(api, creator, clips, markets):
    api.force_authenticate(creator.user)
    seller = SellerFactory(market=markets["US"])
    many = [ProductFactory(seller=seller).pk for _ in range(7)]
    response = api.post(
        VIDEOS, {"file": upload(clips.good), "product_ids": many}, format="multipart"
    )
    assert response.json()["code"] == "too_many_products"
    archived = ProductFactory(seller=seller, status=ProductStatus.ARCHIVED)
    response = api.post(
        VIDEOS, {"file": upload(clips.good), "product_ids": [archived.pk]}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "product_not_available",
        "detail": response.json()["detail"],
        "product_ids": [archived.pk],
    }
    assert not Video.objects.exists() and stored_files(settings.MEDIA_ROOT) == []


def test_a_creator_sees_and_edits_only_their_own_videos(api, creator, make_creator, products):
    mine = _published(creator, "Mine", products[:1])
    theirs = _published(make_creator("other"), "Theirs")
    removed = _published(creator, "Removed")
    Video.objects.filter(pk=removed.pk).update(status=VideoStatus.REMOVED)
    api.force_authenticate(creator.user)
    listed = api.get(VIDEOS).json()["results"]
    assert [v["caption"] for v in listed] == ["Mine"]
    url = f"{VIDEOS}{theirs.pk}/"
    for response in (
        api.get(url),
        api.patch(url, {"caption": "hacked"}, format="json"),
        api.delete(url),
    ):
        assert response.status_code == 404 and response.json()["code"] == "video_not_found"
    theirs.refresh_from_db()
    assert theirs.caption == "Theirs" and theirs.status == VideoStatus.PUBLISHED

    response = api.patch(
        f"{VIDEOS}{mine.pk}/",
        {
            "caption": "New",
            "hashtags": "#A #b",
            "product_ids": [products[2].pk, products[1].pk],
            "status": "failed",
            "like_count": 5,
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["caption"], body["hashtags"], body["status"]) == ("New", ["a", "b"], "published")
    assert [p["id"] for p in body["products"]] == [products[2].pk, products[1].pk]
    mine.refresh_from_db()
    assert mine.category_id == products[2].category_id and mine.like_count == 0


def test_delete_takes_the_video_down(api, creator):
    video = _published(creator)
    Creator.objects.filter(pk=creator.pk).update(video_count=1)
    api.force_authenticate(creator.user)
    assert api.delete(f"{VIDEOS}{video.pk}/").status_code == 204
    video.refresh_from_db()
    assert video.status == VideoStatus.REMOVED
    assert Creator.objects.get(pk=creator.pk).video_count == 0
    assert api.get(f"{VIDEOS}{video.pk}/").status_code == 404
    assert api.get(VIDEOS).json()["results"] == []


def test_only_creators_use_the_studio_api(api, markets):
    assert api.get(VIDEOS).status_code in (401, 403)
    api.force_authenticate(UserFactory())
    response = api.get(VIDEOS)
    assert response.status_code == 403 and response.json()["code"] == "not_a_creator"


def test_list_queries_do_not_grow_with_page_size(
    api, creator, products, django_assert_max_num_queries
):
    for i in range(12):
        _published(creator, f"V{i}", products)
    api.force_authenticate(creator.user)
    with django_assert_max_num_queries(7):
        response = api.get(VIDEOS, {"page_size": 12})
    assert len(response.json()["results"]) == 12


def test_creator_profile_and_follow_api(api, creator):
    _published(creator)
    Creator.objects.filter(pk=creator.pk).update(video_count=1)
    profile = api.get("/api/creators/casey/").json()
    assert profile["handle"] == "casey" and profile["is_following"] is False
    assert profile["video_count"] == 1 and profile["market"] == "US"
    assert api.get("/api/creators/nobody/").json()["code"] == "creator_not_found"
    assert api.post("/api/creators/casey/follow/").status_code in (401, 403)

    fan = UserFactory()
    api.force_authenticate(fan)
    for _ in range(2):  # idempotent
        response = api.post("/api/creators/casey/follow/")
        assert response.json() == {"following": True, "follower_count": 1}
    assert api.get("/api/creators/casey/").json()["is_following"] is True
    for _ in range(2):
        response = api.delete("/api/creators/casey/follow/")
        assert response.json() == {"following": False, "follower_count": 0}
    api.force_authenticate(creator.user)
    assert api.post("/api/creators/casey/follow/").json()["code"] == "cannot_follow_self"
    videos = api.get("/api/creators/casey/videos/").json()["results"]
    assert len(videos) == 1


def test_become_a_creator_through_the_api(api, markets, creator):
    user = UserFactory(market=markets["ID"])
    api.force_authenticate(user)
    assert api.get("/api/creator/").json()["code"] == "not_a_creator"
    taken = api.post("/api/creator/", {"handle": "casey", "display_name": "C"}, format="json")
    assert taken.status_code == 409 and taken.json()["code"] == "handle_taken"
    made = api.post("/api/creator/", {"handle": "dewi", "display_name": "Dewi"}, format="json")
    assert made.status_code == 201 and made.json()["market"] == "ID"
    again = api.post("/api/creator/", {"handle": "dewi2", "display_name": "D"}, format="json")
    assert again.json()["code"] == "already_a_creator"
    edited = api.patch("/api/creator/", {"bio": "Batik"}, format="json").json()
    assert edited["bio"] == "Batik" and edited["handle"] == "dewi"
