"""Creator profile pages, follow / unfollow, and becoming a creator."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from ..access import creator_of, creator_required
from ..errors import CreatorNotFound, CreatorsError
from ..forms import CreatorJoinForm, CreatorProfileForm
from ..services import profiles

GRID_PAGE_SIZE = 30


def _get_creator(handle: str):
    try:
        return profiles.creator_get(handle=handle)
    except CreatorNotFound:
        raise Http404("No such creator.")


@require_GET
def creator_profile(request, handle: str):
    creator = _get_creator(handle)
    if creator.handle != handle:  # /@Casey/ -> /@casey/
        return redirect(creator.get_absolute_url(), permanent=True)
    videos = Paginator(profiles.creator_published_videos(creator=creator), GRID_PAGE_SIZE)
    page = videos.get_page(request.GET.get("page"))
    context = {"creator": creator, "page": page}
    if request.headers.get("HX-Request") and request.GET.get("page"):
        return render(request, "creators/_video_grid_page.html", context)
    context.update(
        is_following=profiles.creator_is_followed(creator=creator, user=request.user),
        is_own=creator.user_id == request.user.pk,
    )
    return render(request, "creators/profile.html", context)


def _login_redirect(request, creator):
    login = f"{reverse('login')}?{urlencode({'next': creator.get_absolute_url()})}"
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204, headers={"HX-Redirect": login})
    return redirect(login)


def _follow_response(request, creator, *, is_following: bool, error: str = ""):
    if request.headers.get("HX-Request"):
        return render(
            request,
            "creators/_follow.html",
            {"creator": creator, "is_following": is_following, "error": error, "oob": True},
        )
    if error:
        messages.error(request, error)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = creator.get_absolute_url()
    return redirect(target)


@require_POST
def creator_follow(request, handle: str):
    creator = _get_creator(handle)
    if not request.user.is_authenticated:
        return _login_redirect(request, creator)
    try:
        profiles.follow_create(user=request.user, creator=creator)
    except CreatorsError as exc:
        return _follow_response(request, creator, is_following=False, error=exc.message)
    return _follow_response(request, creator, is_following=True)


@require_POST
def creator_unfollow(request, handle: str):
    creator = _get_creator(handle)
    if not request.user.is_authenticated:
        return _login_redirect(request, creator)
    profiles.follow_delete(user=request.user, creator=creator)
    return _follow_response(request, creator, is_following=False)


def _form_error(form, exc: CreatorsError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@login_required
def creator_join(request):
    if creator_of(request.user) is not None:
        return redirect("studio-videos")
    form = CreatorJoinForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            creator = profiles.creator_create(
                user=request.user,
                handle=form.cleaned_data["handle"],
                display_name=form.cleaned_data["display_name"],
                bio=form.cleaned_data["bio"],
                avatar=form.cleaned_data["avatar"],
            )
        except CreatorsError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"Welcome, @{creator.handle}! Post your first video.")
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(
                target, {request.get_host()}, request.is_secure()
            ):
                target = reverse("studio-video-new")
            return redirect(target)
    status = 400 if request.method == "POST" else 200
    return render(request, "creators/join.html", {"form": form}, status=status)


@creator_required
def creator_profile_edit(request):
    creator = request.creator
    initial = {"display_name": creator.display_name, "bio": creator.bio}
    form = CreatorProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            profiles.creator_update(
                creator=creator,
                display_name=form.cleaned_data["display_name"],
                bio=form.cleaned_data["bio"],
                avatar=form.cleaned_data["avatar"] or None,
            )
        except CreatorsError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Profile saved.")
            return redirect(creator.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request, "creators/profile_edit.html", {"form": form, "creator": creator}, status=status
    )
