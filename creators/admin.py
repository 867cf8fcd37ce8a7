"""Staff screens for creators, their videos, follows and product taps.

Counters and processing results are read-only here: they are computed, and a hand edit
would only be overwritten (or, worse, make the numbers lie).
"""

from django.contrib import admin, messages
from django.utils.html import format_html

from marketplace.errors import DomainError
from marketplace.money import format_money
from marketplace.templatetags.money_tags import percent_bp

from .models import (
    Commission,
    Creator,
    Follow,
    PlanStatus,
    ProductTap,
    TargetedPlan,
    Video,
    VideoProduct,
    VideoStatus,
)
from .services.plans import plan_withdraw
from .services.videos import video_remove
from .tasks.videos import video_process


@admin.register(Creator)
class CreatorAdmin(admin.ModelAdmin):
    list_display = (
        "handle",
        "display_name",
        "market",
        "follower_count",
        "video_count",
        "is_active",
        "created_at",
    )
    list_filter = ("market", "is_active")
    search_fields = ("handle", "display_name", "user__username", "user__email")
    raw_id_fields = ("user",)
    readonly_fields = ("affiliate_code", "follower_count", "video_count", "created_at")


class VideoProductInline(admin.TabularInline):
    model = VideoProduct
    raw_id_fields = ("product",)
    extra = 0
    max_num = 6


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = ("id", "poster_thumb", "creator", "market", "status", "views", "published_at")
    list_display_links = ("id", "poster_thumb")
    list_filter = ("status", "market")
    search_fields = ("caption", "hashtags", "creator__handle")
    list_select_related = ("creator", "market")
    raw_id_fields = ("creator",)
    date_hierarchy = "created_at"
    inlines = [VideoProductInline]
    actions = ["take_down", "reprocess"]
    readonly_fields = (
        "status",
        "failure_reason",
        "source",
        "file",
        "poster",
        "duration_ms",
        "width",
        "height",
        "view_count",
        "completion_count",
        "watch_time_ms",
        "like_count",
        "share_count",
        "tap_count",
        "not_interested_count",
        "created_at",
        "published_at",
    )

    @admin.display(description="Poster")
    def poster_thumb(self, video):
        if not video.poster:
            return "—"
        return format_html('<img src="{}" alt="" width="36" height="64">', video.poster.url)

    @admin.display(description="Views", ordering="view_count")
    def views(self, video):
        return video.view_count

    @admin.action(description="Take down (moderation): remove the videos and their files")
    def take_down(self, request, queryset):
        count = 0
        for video in queryset.exclude(status=VideoStatus.REMOVED):
            video_remove(video=video)
            count += 1
        self.message_user(request, f"{count} video(s) taken down.", messages.SUCCESS)

    @admin.action(description="Process again (videos still processing)")
    def reprocess(self, request, queryset):
        ids = list(queryset.filter(status=VideoStatus.PROCESSING).values_list("id", flat=True))
        for video_id in ids:
            video_process.delay(video_id)
        self.message_user(request, f"{len(ids)} video(s) queued for processing.")


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("follower", "creator", "created_at")
    search_fields = ("follower__username", "creator__handle")
    raw_id_fields = ("follower", "creator")
    list_select_related = ("follower", "creator")

    def has_change_permission(self, request, obj=None):
        return False  # follows are made by shoppers; deleting one here skews the counter

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProductTap)
class ProductTapAdmin(admin.ModelAdmin):
    """Read-only: taps are the evidence commission attribution rests on."""

    list_display = ("created_at", "creator", "product", "source", "video", "user")
    list_filter = ("source",)
    search_fields = ("creator__handle", "product__title", "user__username")
    list_select_related = ("creator", "product", "user")
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NoEditAdmin(admin.ModelAdmin):
    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)  # actions only

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TargetedPlan)
class TargetedPlanAdmin(NoEditAdmin):
    """Offers are made and changed by sellers and answered by creators; staff can end one."""

    list_display = ("id", "seller", "creator", "rate", "next_rate", "status", "created_at")
    list_filter = ("status", "seller__market")
    search_fields = ("creator__handle", "seller__name", "seller__slug")
    list_select_related = ("seller", "creator")
    date_hierarchy = "created_at"
    actions = ["withdraw"]
    fields = ("seller", "creator", "products", "rate_bp", "rate_next_bp", "rate_next_at",
              "message", "status", "created_at", "responded_at")  # fmt: skip
    readonly_fields = fields

    @admin.display(description="rate", ordering="rate_bp")
    def rate(self, obj: TargetedPlan) -> str:
        return percent_bp(obj.rate_bp)

    @admin.display(description="scheduled cut")
    def next_rate(self, obj: TargetedPlan) -> str:
        if obj.rate_next_bp is None:
            return "—"
        return f"{percent_bp(obj.rate_next_bp)} from {obj.rate_next_at:%Y-%m-%d}"

    @admin.action(
        description="Withdraw selected plans (an accepted one stays in force for 30 days' notice)",
        permissions=["change"],
    )
    def withdraw(self, request, queryset):
        done = 0
        live = queryset.filter(status__in=[PlanStatus.OFFERED, PlanStatus.ACCEPTED])
        for plan in live.select_related("seller"):
            try:
                plan_withdraw(plan_id=plan.pk, seller=plan.seller)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"Plan {plan.pk}: {exc.message}", messages.ERROR)
        self.message_user(request, f"{done} plan(s) withdrawn.", messages.SUCCESS)


@admin.register(Commission)
class CommissionAdmin(NoEditAdmin):
    """Read-only: a commission moves only with its ledger entries (accrual, reversal,
    release, payout)."""

    list_display = ("id", "created_at", "creator", "order_number", "seller", "plan", "rate",
                    "gross", "amount", "reversed", "status", "payout")  # fmt: skip
    list_filter = ("status", "plan", "currency")
    search_fields = ("order__number", "creator__handle", "seller__name")
    search_help_text = "Order number, creator handle or shop name."
    list_select_related = ("creator", "order", "seller", "payout")
    date_hierarchy = "created_at"
    actions = None
    readonly_fields = ("creator", "order", "order_line", "product", "seller", "tap", "video",
                       "currency", "plan", "rate_bp", "gross_minor", "amount_minor",
                       "reversed_minor", "status", "created_at", "available_at", "paid_at",
                       "payout")  # fmt: skip
    fields = readonly_fields
    raw_id_fields = ("order_line", "tap")

    @admin.display(description="order", ordering="order__number")
    def order_number(self, obj: Commission) -> str:
        return obj.order.number

    @admin.display(description="rate", ordering="rate_bp")
    def rate(self, obj: Commission) -> str:
        return percent_bp(obj.rate_bp)

    @admin.display(description="gross", ordering="gross_minor")
    def gross(self, obj: Commission) -> str:
        return format_money(obj.gross_minor, obj.currency)

    @admin.display(description="amount", ordering="amount_minor")
    def amount(self, obj: Commission) -> str:
        return format_money(obj.amount_minor, obj.currency)

    @admin.display(description="reversed", ordering="reversed_minor")
    def reversed(self, obj: Commission) -> str:
        return format_money(obj.reversed_minor, obj.currency) if obj.reversed_minor else "—"
