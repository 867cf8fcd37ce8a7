"""Who may touch what. Every view and API endpoint goes through these, so "a creator edits
only their own videos" is decided in one place."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from .errors import NotACreator, VideoNotFound
from .models import Creator, Video, VideoStatus


def creator_of(user) -> Creator | None:
    """The user's creator profile, or None (anonymous users and shoppers)."""
    if not user.is_authenticated:
        return None
    try:
        return user.creator
    except Creator.DoesNotExist:
        return None


def access_creator(user) -> Creator:
    creator = creator_of(user)
    if creator is None or not creator.is_active:
        raise NotACreator()
    return creator


def own_videos(*, creator: Creator):
    """The creator's videos they can still see and manage (removed ones are gone)."""
    return Video.objects.filter(creator=creator).exclude(status=VideoStatus.REMOVED)


def access_own_video(*, creator: Creator, video_id) -> Video:
    """One of the creator's own videos. Another creator's video is "not found", not
    "forbidden": its existence is none of their business."""
    try:
        video_id = int(video_id)
    except (TypeError, ValueError):
        raise VideoNotFound()
    video = own_videos(creator=creator).filter(pk=video_id).select_related("creator").first()
    if video is None:
        raise VideoNotFound()
    return video


def creator_required(view):
    """For HTML views: sign in first, then set up a creator profile; sets
    ``request.creator``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        creator = creator_of(request.user)
        if creator is None or not creator.is_active:
            return redirect(f"{reverse('creator-join')}?{urlencode({'next': request.path})}")
        request.creator = creator
        return view(request, *args, **kwargs)

    return wrapper
