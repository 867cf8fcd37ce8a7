"""Input and output serializers of the creator's video API.

A client sets only the file, caption, hashtags and tagged products; status, counters,
file URLs and the creator are read-only, decided by the server.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.money import to_decimal

from ..models import Video
from .profile_serializers import CreatorRefSerializer, absolute

_URI = {"type": "string", "format": "uri", "nullable": True}


class VideoCreateInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="MP4, WebM or MOV")
    caption = serializers.CharField(max_length=2200, required=False, allow_blank=True, default="")
    hashtags = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text="Space-separated"
    )
    product_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text="Up to 6 active products of the creator's market, in display order",
    )


class VideoUpdateInputSerializer(serializers.Serializer):
    caption = serializers.CharField(max_length=2200, required=False, allow_blank=True)
    hashtags = serializers.CharField(max_length=500, required=False, allow_blank=True)
    product_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)


class TaggedProductSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="product.pk", read_only=True)
    title = serializers.CharField(source="product.title", read_only=True)
    price = serializers.SerializerMethodField(help_text='Decimal string, e.g. "12.99"')
    price_minor = serializers.IntegerField(source="product.price_minor", read_only=True)
    currency = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The in-app product page")

    def get_price(self, tag) -> str:
        return str(to_decimal(tag.product.price_minor, self.get_currency(tag)))

    def get_currency(self, tag) -> str:
        # Tagged products are always of the video's market.
        return self.context["currency"]

    @extend_schema_field(_URI)
    def get_url(self, tag) -> str | None:
        return absolute(self.context.get("request"), tag.product.get_absolute_url())


class VideoSerializer(serializers.ModelSerializer):
    creator = CreatorRefSerializer(read_only=True)
    hashtags = serializers.ListField(source="hashtag_list", child=serializers.CharField())
    products = TaggedProductSerializer(source="tags", many=True, read_only=True)
    video_url = serializers.SerializerMethodField()
    poster_url = serializers.SerializerMethodField()

    class Meta:
        model = Video
        fields = (
            "id",
            "status",
            "failure_reason",
            "caption",
            "hashtags",
            "products",
            "video_url",
            "poster_url",
            "duration_ms",
            "width",
            "height",
            "view_count",
            "like_count",
            "share_count",
            "tap_count",
            "creator",
            "created_at",
            "published_at",
        )
        read_only_fields = fields

    @extend_schema_field(_URI)
    def get_video_url(self, video) -> str | None:
        return absolute(self.context.get("request"), video.file.url if video.file else "")

    @extend_schema_field(_URI)
    def get_poster_url(self, video) -> str | None:
        return absolute(self.context.get("request"), video.poster.url if video.poster else "")
