"""Staff screens for the kernel: markets (with the per-market checkout switch) and users."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import Market, User


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "currency",
        "checkout_enabled",
        "return_window_days",
        "referral_fee_bp",
        "seller_settlement_days",
        "position",
    ]
    list_display_links = ["code", "name"]
    # Regulators move fast: the checkout switch and the fee are one click from the list.
    list_editable = ["checkout_enabled", "return_window_days", "referral_fee_bp", "position"]
    list_filter = ["checkout_enabled", "currency"]
    search_fields = ["code", "name"]
    ordering = ["position", "code"]

    def get_readonly_fields(self, request, obj=None):
        # The code is the primary key and the currency fixes how every stored amount
        # reads: neither changes once a market trades.
        return ["code", "currency"] if obj else []


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "email",
        "first_name",
        "last_name",
        "market",
        "is_staff",
        "is_active",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "market", "groups"]
    list_select_related = ["market"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Marketplace", {"fields": ["market"]}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "email", "market", "usable_password", "password1",
                           "password2"],
            },
        ),
    )  # fmt: skip


admin.site.site_header = "Marketplace admin"
admin.site.site_title = "Marketplace admin"
admin.site.index_title = "Run the marketplace"
