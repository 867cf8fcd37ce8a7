"""Uploading and processing videos: what is refused at once (storing nothing), what fails
in processing (with its reason, files removed), and what gets published."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.urls import reverse

from creators import media
from creators.errors import (
    ProductNotAvailable,
    TooManyProducts,
    UnsupportedVideoFormat,
    VideoTooLarge,
    VideoTooLong,
    VideoUnreadable,
)
from creators.models import Creator, Video, VideoStatus
from creators.services.videos import hashtags_normalise, video_remove, video_upload
from creators.tasks.videos import video_process
from shop.models import ProductStatus
from tests.factories import ProductFactory, SellerFactory

from .conftest import stored_files, upload

pytestmark = pytest.mark.django_db


def _upload_and_process(creator, file, capture, **kwargs) -> Video:
    with capture(execute=True):
        video = video_upload(creator=creator, upload=file, **kwargs)
    video.refresh_from_db()
    return video


def test_good_mp4_is_published_with_poster_duration_and_h264(
    creator, products, clips, django_capture_on_commit_callbacks
):
    video = _upload_and_process(
        creator,
        upload(clips.good),
        django_capture_on_commit_callbacks,
        caption="Morning routine",
        hashtags="#Skincare, glow #skincare",
        product_ids=[products[1].pk, products[0].pk],
    )
    assert video.status == VideoStatus.PUBLISHED
    assert video.published_at is not None and video.failure_reason == ""
    assert (video.width, video.height) == (160, 284)
    assert 1400 <= video.duration_ms <= 1600
    assert video.hashtags == "skincare glow"
    assert video.category_id == products[1].category_id  # the first tagged product's
    assert list(video.tags.values_list("product_id", "position")) == [
        (products[1].pk, 1),
        (products[0].pk, 2),
    ]
    out = media.probe(video.file.path, container="mp4")
    assert (out.video_codec, out.audio_codec, out.pixel_format) == ("h264", "aac", "yuv420p")
    with open(video.file.path, "rb") as f:
        assert b"moov" in f.read(4096)  # +faststart: the index comes first
    assert video.poster.name.endswith(".jpg")
    with open(video.poster.path, "rb") as f:
        assert f.read(3) == b"\xff\xd8\xff"
    # The source is gone: only the published file and its poster are stored.
    assert sorted(stored_files(settings.MEDIA_ROOT)) == sorted([video.file.name, video.poster.name])
    assert Creator.objects.get(pk=creator.pk).video_count == 1


@pytest.mark.parametrize("clip", ["webm", "mov", "big"])
def test_other_containers_and_large_frames_are_converted(
    creator, clips, clip, django_capture_on_commit_callbacks
):
    path = getattr(clips, clip)
    video = _upload_and_process(creator, upload(path), django_capture_on_commit_callbacks)
    assert video.status == VideoStatus.PUBLISHED, video.failure_reason
    out = media.probe(video.file.path, container="mp4")
    assert out.video_codec == "h264" and out.audio_codec == "aac"
    assert min(out.width, out.height) <= 720
    if clip == "big":
        assert (video.width, video.height) == (720, 1282)
    assert video.file.name.endswith(".mp4")


def _assert_nothing_stored():
    assert Video.objects.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == []


@pytest.mark.parametrize(
    ("clip", "name", "error", "message"),
    [
        ("text", "clip.mp4", UnsupportedVideoFormat, "not an MP4, WebM or MOV"),
        ("truncated_index", "clip.mp4", VideoUnreadable, "incomplete"),
        ("audio_only", "clip.mp4", VideoUnreadable, "no video track"),
        ("good", "clip.avi", UnsupportedVideoFormat, "“.avi” files are not supported"),
    ],
)
def test_bad_files_are_refused_at_once_and_nothing_is_stored(
    creator, clips, clip, name, error, message, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(error, match=message):
        video_upload(creator=creator, upload=upload(getattr(clips, clip), name=name))
    _assert_nothing_stored()


def test_oversized_file_is_refused(creator, clips, settings):
    settings.VIDEO_MAX_BYTES = 50_000
    with pytest.raises(VideoTooLarge, match=r"the limit is 48\.8 KB") as err:
        video_upload(creator=creator, upload=upload(clips.good))
    assert err.value.code == "video_too_large"
    _assert_nothing_stored()


def test_too_long_video_is_refused(creator, clips, settings):
    settings.VIDEO_MAX_SECONDS = 1
    with pytest.raises(VideoTooLong, match=r"0:02 long; the limit is 0:01"):
        video_upload(creator=creator, upload=upload(clips.good))
    _assert_nothing_stored()


def test_large_upload_spooled_to_disk_is_checked_too(creator, clips, settings):
    file = TemporaryUploadedFile("clip.mp4", "video/mp4", 0, None)
    file.write(clips.text.read_bytes())
    file.seek(0)
    file.size = clips.text.stat().st_size
    with pytest.raises(UnsupportedVideoFormat):
        video_upload(creator=creator, upload=file)
    _assert_nothing_stored()


def test_product_rules(creator, clips, markets):
    seller = SellerFactory(market=markets["US"])
    seven = [ProductFactory(seller=seller) for _ in range(7)]
    with pytest.raises(TooManyProducts):
        video_upload(creator=creator, upload=upload(clips.good), product_ids=[p.pk for p in seven])
    draft = ProductFactory(seller=seller, status=ProductStatus.DRAFT)
    british = ProductFactory(seller=SellerFactory(market=markets["GB"]))
    for product in (draft, british):
        with pytest.raises(ProductNotAvailable) as err:
            video_upload(creator=creator, upload=upload(clips.good), product_ids=[product.pk])
        assert err.value.details == {"product_ids": [product.pk]}
    _assert_nothing_stored()


def test_truncated_frames_fail_in_processing_with_reason_and_files_removed(
    creator, clips, django_capture_on_commit_callbacks
):
    # The header is intact (the index comes first), so only decoding finds the damage.
    video = _upload_and_process(
        creator, upload(clips.truncated_data), django_capture_on_commit_callbacks
    )
    assert video.status == VideoStatus.FAILED
    assert "damaged or incomplete" in video.failure_reason
    assert not video.source and not video.file and not video.poster
    assert stored_files(settings.MEDIA_ROOT) == []
    assert Creator.objects.get(pk=creator.pk).video_count == 0


def test_processing_failure_reason_is_shown_in_the_studio(
    client, creator, clips, django_capture_on_commit_callbacks
):
    _upload_and_process(creator, upload(clips.truncated_data), django_capture_on_commit_callbacks)
    client.force_login(creator.user)
    page = client.get(reverse("studio-videos")).content.decode()
    assert "Failed" in page and "damaged or incomplete" in page


def test_task_is_idempotent_and_leaves_finished_videos_alone(
    creator, clips, django_capture_on_commit_callbacks
):
    video = _upload_and_process(creator, upload(clips.good), django_capture_on_commit_callbacks)
    files = stored_files(settings.MEDIA_ROOT)
    assert video_process.delay(video.pk).get() == VideoStatus.PUBLISHED
    assert stored_files(settings.MEDIA_ROOT) == files
    assert Creator.objects.get(pk=creator.pk).video_count == 1
    assert video_process.delay(10**9).get() is None


def test_video_removed_while_processing_is_not_published(
    creator, clips, django_capture_on_commit_callbacks
):
    video = video_upload(creator=creator, upload=upload(clips.good))  # task not run yet
    with django_capture_on_commit_callbacks(execute=True):
        video_remove(video=video)
    assert video_process.delay(video.pk).get() == VideoStatus.REMOVED
    assert stored_files(settings.MEDIA_ROOT) == []


def test_html_upload_form(client, creator, products, clips, django_capture_on_commit_callbacks):
    client.force_login(creator.user)
    url = reverse("studio-video-new")
    page = client.get(url)
    assert page.status_code == 200 and "Glow serum 0" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "file": upload(clips.good),
                "caption": "Try this",
                "hashtags": "glow",
                "products": [products[0].pk],
            },
        )
    assert response.status_code == 302 and response["Location"] == reverse("studio-videos")
    assert Video.objects.get().status == VideoStatus.PUBLISHED


def test_html_upload_errors_sit_next_to_the_field(client, creator, clips):
    client.force_login(creator.user)
    response = client.post(
        reverse("studio-video-new"), {"file": upload(clips.text), "caption": "Oops"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_file_error"' in html and "not an MP4, WebM or MOV" in html
    assert "Oops" in html  # what was typed is kept
    _assert_nothing_stored()
    # With htmx the form re-renders with a 200, so htmx swaps it in.
    response = client.post(
        reverse("studio-video-new"), {"file": upload(clips.text)}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'id="id_file_error"' in response.content.decode()


def test_upload_requires_a_creator_profile(client, markets):
    from tests.factories import UserFactory

    url = reverse("studio-video-new")
    assert reverse("login") in client.get(url)["Location"]
    client.force_login(UserFactory())
    assert client.get(url)["Location"].startswith(reverse("creator-join"))


def test_sniff_and_probe_helpers():
    assert media.sniff_container(b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00") == "mp4"
    assert media.sniff_container(b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00") == "mov"
    assert media.sniff_container(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81") == "webm"
    assert media.sniff_container(b"<html><body>") is None
    report = (
        "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mp4':\n"
        "  Duration: 00:01:02.50, start: 0.000000, bitrate: 589 kb/s\n"
        "  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), "
        "yuv420p(tv, bt709, progressive), 1920x1080 [SAR 1:1 DAR 16:9], 30 fps\n"
        "      Display Matrix: rotation of -90.00 degrees\n"
        "  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo\n"
    )
    probe = media.parse_probe(report, container="mp4")
    assert (probe.width, probe.height, probe.rotation) == (1080, 1920, 270)
    assert probe.duration_ms == 62500 and probe.pixel_format == "yuv420p"
    assert not probe.can_copy()  # 1080p: must be scaled down
    assert media.target_size(1080, 1920) == (720, 1280)
    assert media.target_size(1920, 1080) == (1280, 720)
    assert media.target_size(160, 284) == (160, 284)
    assert hashtags_normalise("#Cooking, asmr #cooking ##") == "cooking asmr"
    assert hashtags_normalise(["a", "#b"]) == "a b"
