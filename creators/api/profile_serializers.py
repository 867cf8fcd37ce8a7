"""Input and output serializers of the creator profile API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Creator

_URI = {"type": "string", "format": "uri", "nullable": True}


def absolute(request, url: str | None) -> str | None:
    if not url:
        return None
    return request.build_absolute_uri(url) if request is not None else url


class CreatorRefSerializer(serializers.ModelSerializer):
    """A creator as other objects show them (a video's author)."""

    avatar_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The creator's profile page")

    class Meta:
        model = Creator
        fields: tuple[str, ...] = ("handle", "display_name", "avatar_url", "url")
        read_only_fields: tuple[str, ...] = fields

    @extend_schema_field(_URI)
    def get_avatar_url(self, creator) -> str | None:
        return absolute(self.context.get("request"), creator.avatar.url if creator.avatar else "")

    @extend_schema_field(_URI)
    def get_url(self, creator) -> str | None:
        return absolute(self.context.get("request"), creator.get_absolute_url())


class CreatorSerializer(CreatorRefSerializer):
    """A creator's public profile. ``is_following`` is about the requesting user."""

    market = serializers.CharField(source="market_id", read_only=True)
    is_following = serializers.SerializerMethodField()

    class Meta(CreatorRefSerializer.Meta):
        fields = (
            "handle",
            "display_name",
            "bio",
            "avatar_url",
            "url",
            "market",
            "follower_count",
            "video_count",
            "is_following",
        )
        read_only_fields = fields

    def get_is_following(self, creator) -> bool:
        return bool(self.context.get("is_following", False))


class CreatorCreateInputSerializer(serializers.Serializer):
    handle = serializers.CharField(max_length=31)
    display_name = serializers.CharField(max_length=80)
    bio = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    avatar = serializers.FileField(required=False, allow_null=True, default=None)


class CreatorUpdateInputSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=80, required=False)
    bio = serializers.CharField(max_length=300, required=False, allow_blank=True)
    avatar = serializers.FileField(required=False)


class FollowSerializer(serializers.Serializer):
    following = serializers.BooleanField(read_only=True)
    follower_count = serializers.IntegerField(read_only=True)
