"""Creator profile API: public profiles, follow / unfollow, the creator's own profile."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api import ERROR_RESPONSES

from ..access import access_creator
from ..models import Video
from ..services import profiles
from .profile_serializers import (
    CreatorCreateInputSerializer,
    CreatorSerializer,
    CreatorUpdateInputSerializer,
    FollowSerializer,
)
from .video_serializers import VideoSerializer
from .videos import with_tags


@extend_schema(tags=["creators"], responses={200: CreatorSerializer, 404: ERROR_RESPONSES[404]})
class CreatorDetailView(APIView):
    """A creator's public profile. Code ``creator_not_found`` for an unknown handle."""

    permission_classes = [AllowAny]

    def get(self, request, handle: str):
        creator = profiles.creator_get(handle=handle)
        following = profiles.creator_is_followed(creator=creator, user=request.user)
        context = {"request": request, "is_following": following}
        return Response(CreatorSerializer(creator, context=context).data)


@extend_schema(
    tags=["creators"], request=None, responses={200: FollowSerializer, **ERROR_RESPONSES}
)
class CreatorFollowView(APIView):
    """POST follows, DELETE unfollows. Both are idempotent and answer the new state."""

    permission_classes = [IsAuthenticated]

    def _state(self, creator, following: bool) -> Response:
        return Response({"following": following, "follower_count": creator.follower_count})

    def post(self, request, handle: str):
        creator = profiles.creator_get(handle=handle)
        profiles.follow_create(user=request.user, creator=creator)
        return self._state(creator, True)

    def delete(self, request, handle: str):
        creator = profiles.creator_get(handle=handle)
        profiles.follow_delete(user=request.user, creator=creator)
        return self._state(creator, False)


@extend_schema(tags=["creators"])
class CreatorVideoListView(generics.ListAPIView):
    """A creator's published videos, newest first."""

    permission_classes = [AllowAny]
    serializer_class = VideoSerializer
    filter_backends: list = []
    cursor_ordering = ("-published_at", "-id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Video.objects.none()
        self.creator = profiles.creator_get(handle=self.kwargs["handle"])
        videos = profiles.creator_published_videos(creator=self.creator)
        return with_tags(videos.select_related("creator")).order_by(*self.cursor_ordering)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        creator = getattr(self, "creator", None)
        if creator is not None:
            context["currency"] = creator.market.currency
        return context


@extend_schema(tags=["creators"])
class OwnCreatorView(APIView):
    """The signed-in user's creator profile: GET it, POST to become a creator (in the
    user's market), PATCH to edit it. Multipart for the avatar."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _out(self, request, creator, status_code=status.HTTP_200_OK) -> Response:
        data = CreatorSerializer(creator, context={"request": request}).data
        return Response(data, status=status_code)

    @extend_schema(responses={200: CreatorSerializer, 403: ERROR_RESPONSES[403]})
    def get(self, request):
        return self._out(request, access_creator(request.user))

    @extend_schema(
        request=CreatorCreateInputSerializer,
        responses={201: CreatorSerializer, **ERROR_RESPONSES},
    )
    def post(self, request):
        data = CreatorCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        creator = profiles.creator_create(user=request.user, **data.validated_data)
        return self._out(request, creator, status.HTTP_201_CREATED)

    @extend_schema(
        request=CreatorUpdateInputSerializer,
        responses={200: CreatorSerializer, **ERROR_RESPONSES},
    )
    def patch(self, request):
        creator = access_creator(request.user)
        data = CreatorUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        creator = profiles.creator_update(creator=creator, **data.validated_data)
        return self._out(request, creator)
