"""Schemas of the feed API, for the OpenAPI document.

Feed items are pre-serialised cards (``creators.feed.cards``), not rendered through these
serializers on each request; these describe exactly what the cards hold.
"""

from rest_framework import serializers

from .events import EVENT_TYPES, MAX_EVENTS


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="category, creator, following, following_new, "
        "popular, newest, explore, seen_again, shared"
    )
    text = serializers.CharField(help_text='e.g. "Because you watched cooking videos"')


class FeedCreatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    handle = serializers.CharField()
    name = serializers.CharField()
    avatar_url = serializers.CharField(allow_blank=True)
    url = serializers.CharField()


class FeedProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    price = serializers.CharField(help_text='Decimal string in the currency, e.g. "12.99"')
    price_minor = serializers.IntegerField()
    price_display = serializers.CharField(help_text='e.g. "$12.99"')
    compare_at_display = serializers.CharField(allow_blank=True)
    currency = serializers.CharField()
    image_url = serializers.CharField(allow_blank=True)
    in_stock = serializers.BooleanField()
    stock_label = serializers.CharField(allow_blank=True, help_text='"Only 3 left", "Sold out"')
    url = serializers.CharField(help_text="The tap link: records the tap, then redirects")
    product_url = serializers.CharField()


class FeedCountsSerializer(serializers.Serializer):
    views = serializers.IntegerField()
    likes = serializers.IntegerField()
    shares = serializers.IntegerField()
    completions = serializers.IntegerField()


class FeedViewerSerializer(serializers.Serializer):
    liked = serializers.BooleanField()
    following = serializers.BooleanField()


class FeedItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="Share link: the feed starting at this video")
    video_url = serializers.CharField()
    poster_url = serializers.CharField(allow_blank=True)
    caption = serializers.CharField(allow_blank=True)
    hashtags = serializers.ListField(child=serializers.CharField())
    duration_ms = serializers.IntegerField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    category_id = serializers.IntegerField(allow_null=True)
    creator = FeedCreatorSerializer()
    counts = FeedCountsSerializer()
    products = FeedProductSerializer(many=True)
    reasons = ReasonSerializer(many=True)
    viewer = FeedViewerSerializer()


class FeedPageSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=["foryou", "popular", "newest", "following"])
    next = serializers.CharField(allow_null=True)
    cursor = serializers.CharField(allow_null=True, help_text="Opaque; pass as ?cursor=")
    results = FeedItemSerializer(many=True)


class EventSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=64, help_text="Client-chosen, unique per viewer")
    type = serializers.ChoiceField(choices=list(EVENT_TYPES))
    video = serializers.IntegerField(min_value=1)
    ms = serializers.IntegerField(required=False, help_text="watch: milliseconds watched")
    product = serializers.IntegerField(required=False, help_text="product_tap: the product")
    at = serializers.IntegerField(required=False, help_text="Epoch milliseconds")


class EventBatchSerializer(serializers.Serializer):
    events = EventSerializer(many=True, help_text=f"At most {MAX_EVENTS}")


class EventsAcceptedSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()


class FeedErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable error code, e.g. invalid_event_type")
    detail = serializers.CharField()
    index = serializers.IntegerField(required=False, help_text="The offending event")
    field = serializers.CharField(required=False)
