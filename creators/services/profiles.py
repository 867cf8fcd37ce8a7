"""Creator profiles and follows: becoming a creator, editing the profile, following.

Follower counts are denormalised on ``Creator`` and moved only with ``F()`` by the request
that actually created or deleted the ``Follow`` row, so concurrent and repeated clicks
leave the count equal to the number of rows.
"""

from __future__ import annotations

import io
import re
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace.models import User

from ..errors import (
    AlreadyACreator,
    CannotFollowSelf,
    CreatorNotFound,
    HandleTaken,
    InvalidAvatar,
    InvalidHandle,
)
from ..models import Creator, Follow, Video, VideoStatus

HANDLE_RE = re.compile(r"^[a-z0-9_.]{2,30}$")
# Handles that would let someone pass for the platform.
RESERVED_HANDLES = frozenset({"admin", "administrator", "support", "staff", "marketplace", "help"})
AVATAR_SIZE = 320
AVATAR_MAX_BYTES = 5 * 1024 * 1024


def handle_normalise(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


def handle_validate(handle: str) -> str:
    handle = handle_normalise(handle)
    if not HANDLE_RE.match(handle) or handle.strip(".") != handle:
        raise InvalidHandle()
    if handle in RESERVED_HANDLES:
        raise HandleTaken()
    return handle


def avatar_prepare(upload) -> bytes:
    """A square JPEG of the uploaded image. Raises ``InvalidAvatar``."""
    if upload.size > AVATAR_MAX_BYTES:
        raise InvalidAvatar("The avatar must be at most 5 MB.")
    try:
        upload.seek(0)
        with Image.open(upload) as img:
            if img.format not in ("JPEG", "PNG", "WEBP", "GIF"):
                raise InvalidAvatar()
            oriented = ImageOps.exif_transpose(img)
            square = ImageOps.fit(
                oriented.convert("RGB"), (AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS
            )
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise InvalidAvatar()
    out = io.BytesIO()
    square.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def _avatar_name() -> str:
    return f"{secrets.token_hex(6)}.jpg"


def creator_create(
    *, user: User, handle: str, display_name: str, bio: str = "", avatar=None
) -> Creator:
    """Make ``user`` a creator in their own market."""
    if Creator.objects.filter(user=user).exists():
        raise AlreadyACreator()
    handle = handle_validate(handle)
    if Creator.objects.filter(handle=handle).exists():
        raise HandleTaken()
    avatar_bytes = avatar_prepare(avatar) if avatar else None
    creator = Creator(
        user=user,
        handle=handle,
        display_name=display_name.strip() or handle,
        bio=bio.strip(),
        market_id=user.market_id or settings.MARKET_DEFAULT,
    )
    if avatar_bytes:
        creator.avatar.save(_avatar_name(), ContentFile(avatar_bytes), save=False)
    try:
        with transaction.atomic():
            creator.save()
    except IntegrityError:
        if creator.avatar:
            creator.avatar.delete(save=False)
        if Creator.objects.filter(user=user).exists():
            raise AlreadyACreator()
        raise HandleTaken()
    return creator


def creator_update(
    *, creator: Creator, display_name: str | None = None, bio: str | None = None, avatar=None
) -> Creator:
    fields = []
    if display_name is not None:
        creator.display_name = display_name.strip() or creator.handle
        fields.append("display_name")
    if bio is not None:
        creator.bio = bio.strip()
        fields.append("bio")
    old_avatar = creator.avatar.name if creator.avatar else ""
    if avatar:
        data = avatar_prepare(avatar)
        creator.avatar.save(_avatar_name(), ContentFile(data), save=False)
        fields.append("avatar")
    if fields:
        creator.save(update_fields=fields)
    if avatar and old_avatar:
        storage = creator.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar))
    return creator


def follow_create(*, user: User, creator: Creator) -> bool:
    """Follow ``creator``. Returns whether a new follow was made (False if already)."""
    if creator.user_id == user.pk:
        raise CannotFollowSelf()
    with transaction.atomic():
        _, created = Follow.objects.get_or_create(follower=user, creator=creator)
        if created:
            Creator.objects.filter(pk=creator.pk).update(follower_count=F("follower_count") + 1)
    if created:
        creator.refresh_from_db(fields=["follower_count"])
    return created


def follow_delete(*, user: User, creator: Creator) -> bool:
    """Unfollow. Returns whether a follow was removed (False if there was none)."""
    with transaction.atomic():
        deleted, _ = Follow.objects.filter(follower=user, creator=creator).delete()
        if deleted:
            Creator.objects.filter(pk=creator.pk, follower_count__gt=0).update(
                follower_count=F("follower_count") - 1
            )
    if deleted:
        creator.refresh_from_db(fields=["follower_count"])
    return bool(deleted)


# Reads the profile pages and the API share.


def creator_get(*, handle: str) -> Creator:
    creator = (
        Creator.objects.filter(handle=handle_normalise(handle), is_active=True)
        .select_related("market")
        .first()
    )
    if creator is None:
        raise CreatorNotFound()
    return creator


def creator_is_followed(*, creator: Creator, user) -> bool:
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(follower=user, creator=creator).exists()


def creator_published_videos(*, creator: Creator):
    return Video.objects.filter(creator=creator, status=VideoStatus.PUBLISHED).order_by(
        "-published_at", "-id"
    )
