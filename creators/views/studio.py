"""The creator studio: the creator's own videos, upload, edit, delete.

Every view is behind ``creator_required`` and reads videos through ``access_own_video``:
another creator's video is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from shop.selectors import product_list

from ..access import access_own_video, creator_required, own_videos
from ..errors import CreatorsError, VideoNotFound
from ..forms import VideoDetailsForm, VideoUploadForm
from ..models import VideoProduct, VideoStatus
from ..services import videos as video_services

STUDIO_PAGE_SIZE = 20
PICKER_RESULTS = 12
SEARCH_MAX_LENGTH = 100


def _own_video(request, pk: int):
    try:
        return access_own_video(creator=request.creator, video_id=pk)
    except VideoNotFound:
        raise Http404("No such video.")


def _with_tags(queryset):
    tags = VideoProduct.objects.select_related("product").order_by("position", "id")
    return queryset.prefetch_related(Prefetch("tags", queryset=tags))


def _ids(values) -> list[int]:
    out = []
    for value in values:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return list(dict.fromkeys(out))


def _picker(creator, *, selected_ids: list[int], query: str) -> dict:
    """The product picker: what is tagged (in the creator's order) and search results."""
    market = creator.market_id
    chosen = {p.pk: p for p in product_list(market_code=market).filter(pk__in=selected_ids)}
    results = product_list(market_code=market, search=query).exclude(pk__in=selected_ids)
    return {
        "selected_products": [chosen[pk] for pk in selected_ids if pk in chosen],
        "results": list(results[:PICKER_RESULTS]),
        "query": query,
        "max_products": video_services.MAX_PRODUCTS,
        "currency": creator.market.currency,
    }


def _query(request) -> str:
    return request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]


def _form_error(form, exc: CreatorsError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@creator_required
@require_GET
def studio_videos(request):
    videos = _with_tags(own_videos(creator=request.creator)).order_by("-created_at", "-id")
    page = Paginator(videos, STUDIO_PAGE_SIZE).get_page(request.GET.get("page"))
    processing = any(v.status == VideoStatus.PROCESSING for v in page)
    return render(
        request,
        "creators/studio/videos.html",
        {"creator": request.creator, "page": page, "processing": processing},
    )


@creator_required
@require_GET
def studio_video_card(request, pk: int):
    """One studio card, polled by htmx while the video is processing."""
    video = _own_video(request, pk)
    video = _with_tags(own_videos(creator=request.creator)).get(pk=video.pk)
    return render(request, "creators/studio/_video_card.html", {"video": video})


@creator_required
@require_GET
def studio_product_search(request):
    """The picker's results for the search box (htmx)."""
    context = _picker(
        request.creator, selected_ids=_ids(request.GET.getlist("products")), query=_query(request)
    )
    return render(request, "creators/studio/_product_results.html", context)


def _form_response(request, template: str, context: dict, *, failed: bool):
    # htmx swaps only 2xx answers; a plain form post with errors is a 400.
    status = 400 if failed and not request.headers.get("HX-Request") else 200
    return render(request, template, context, status=status)


def _done(request, url: str):
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


@creator_required
def studio_video_new(request):
    creator = request.creator
    if request.method == "POST":
        form = VideoUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                video = video_services.video_upload(
                    creator=creator,
                    upload=form.cleaned_data["file"],
                    caption=form.cleaned_data["caption"],
                    hashtags=form.cleaned_data["hashtags"],
                    product_ids=form.cleaned_data["products"],
                )
            except CreatorsError as exc:
                _form_error(form, exc)
            else:
                video.refresh_from_db(fields=["status"])  # processed already without a broker
                messages.success(
                    request,
                    "Your video is live."
                    if video.status == VideoStatus.PUBLISHED
                    else "Uploaded. Your video will be live in a moment.",
                )
                return _done(request, reverse("studio-videos"))
        selected = _ids(request.POST.getlist("products"))
    else:
        # The no-JavaScript product search submits the form here with GET.
        form = VideoUploadForm(
            initial={
                "caption": request.GET.get("caption", ""),
                "hashtags": request.GET.get("hashtags", ""),
            }
        )
        selected = _ids(request.GET.getlist("products"))
    context = {"form": form, **_picker(creator, selected_ids=selected, query=_query(request))}
    return _form_response(
        request, "creators/studio/upload.html", context, failed=request.method == "POST"
    )


@creator_required
def studio_video_edit(request, pk: int):
    video = _own_video(request, pk)
    if request.method == "POST":
        form = VideoDetailsForm(request.POST)
        if form.is_valid():
            try:
                video_services.video_update(
                    video=video,
                    caption=form.cleaned_data["caption"],
                    hashtags=form.cleaned_data["hashtags"],
                    product_ids=form.cleaned_data["products"],
                )
            except CreatorsError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "Changes saved.")
                return _done(request, reverse("studio-videos"))
        selected = _ids(request.POST.getlist("products"))
    elif "q" in request.GET:  # the no-JavaScript product search
        form = VideoDetailsForm(
            initial={
                "caption": request.GET.get("caption", ""),
                "hashtags": request.GET.get("hashtags", ""),
            }
        )
        selected = _ids(request.GET.getlist("products"))
    else:
        form = VideoDetailsForm(initial={"caption": video.caption, "hashtags": video.hashtags})
        selected = list(video.tags.order_by("position", "id").values_list("product_id", flat=True))
    context = {
        "form": form,
        "video": video,
        **_picker(request.creator, selected_ids=selected, query=_query(request)),
    }
    return _form_response(
        request, "creators/studio/edit.html", context, failed=request.method == "POST"
    )


@creator_required
def studio_video_delete(request, pk: int):
    """GET asks for confirmation (for browsers without JavaScript); POST deletes."""
    video = _own_video(request, pk)
    if request.method != "POST":
        return render(request, "creators/studio/delete.html", {"video": video})
    video_services.video_remove(video=video)
    if request.headers.get("HX-Request"):
        return HttpResponse("")  # the card swaps itself out
    messages.success(request, "Video deleted.")
    return redirect("studio-videos")
