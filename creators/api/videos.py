"""The creator's own videos: list, upload (multipart), read, edit, delete.

Every queryset starts from the requesting creator's videos, so another creator's video is
a 404 whatever the id.
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api import ERROR_RESPONSES

from ..access import access_creator, access_own_video, own_videos
from ..models import Video, VideoProduct
from ..services import videos as video_services
from .video_serializers import (
    VideoCreateInputSerializer,
    VideoSerializer,
    VideoUpdateInputSerializer,
)


def with_tags(queryset):
    tags = VideoProduct.objects.select_related("product").order_by("position", "id")
    return queryset.prefetch_related(Prefetch("tags", queryset=tags))


def _context(request, creator) -> dict:
    return {"request": request, "currency": creator.market.currency}


def _out(request, creator, video, status_code=status.HTTP_200_OK) -> Response:
    video = with_tags(Video.objects.select_related("creator")).get(pk=video.pk)
    return Response(VideoSerializer(video, context=_context(request, creator)).data, status_code)


@extend_schema(tags=["creator videos"])
class OwnVideoListView(generics.ListAPIView):
    """GET lists the creator's videos (any status but removed), newest first. POST uploads
    one (multipart): it is checked at once (codes ``video_too_large``,
    ``unsupported_video_format``, ``video_unreadable``, ``video_too_long``,
    ``too_many_products``, ``product_not_available``; nothing is stored then), and answers
    201 with status ``processing``; poll the video until ``published`` or ``failed``."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    serializer_class = VideoSerializer
    filter_backends: list = []
    cursor_ordering = ("-created_at", "-id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Video.objects.none()
        self.creator = access_creator(self.request.user)
        videos = own_videos(creator=self.creator).select_related("creator")
        return with_tags(videos).order_by(*self.cursor_ordering)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "creator", None) is not None:
            context["currency"] = self.creator.market.currency
        return context

    @extend_schema(
        request={"multipart/form-data": VideoCreateInputSerializer},
        responses={201: VideoSerializer, **ERROR_RESPONSES},
    )
    def post(self, request):
        creator = access_creator(request.user)
        data = VideoCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        video = video_services.video_upload(
            creator=creator,
            upload=data.validated_data["file"],
            caption=data.validated_data["caption"],
            hashtags=data.validated_data["hashtags"],
            product_ids=data.validated_data["product_ids"],
        )
        return _out(request, creator, video, status.HTTP_201_CREATED)


@extend_schema(tags=["creator videos"])
class OwnVideoDetailView(APIView):
    """One of the creator's videos. PATCH edits caption, hashtags and tagged products;
    DELETE takes the video down."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        responses={200: VideoSerializer, 403: ERROR_RESPONSES[403], 404: ERROR_RESPONSES[404]}
    )
    def get(self, request, pk: int):
        creator = access_creator(request.user)
        return _out(request, creator, access_own_video(creator=creator, video_id=pk))

    @extend_schema(
        request=VideoUpdateInputSerializer, responses={200: VideoSerializer, **ERROR_RESPONSES}
    )
    def patch(self, request, pk: int):
        creator = access_creator(request.user)
        video = access_own_video(creator=creator, video_id=pk)
        data = VideoUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        video_services.video_update(video=video, **data.validated_data)
        return _out(request, creator, video)

    @extend_schema(responses={204: None, 403: ERROR_RESPONSES[403], 404: ERROR_RESPONSES[404]})
    def delete(self, request, pk: int):
        creator = access_creator(request.user)
        video_services.video_remove(video=access_own_video(creator=creator, video_id=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
