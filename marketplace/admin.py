"""Staff screens for the kernel: markets (with the per-market checkout switch), users, and
the ledger (read-only: entries are written by services only) with its weekly summary."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncWeek
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from .ledger.models import AccountKind, LedgerAccount, LedgerEntry, LedgerPosting, OwnerType
from .models import Market, User
from .money import format_money


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


# --- The ledger: read-only ---------------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Ledger rows are written by ``entry_post`` only; corrections are new entries."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PostingInline(admin.TabularInline):
    model = LedgerPosting
    extra = 0
    can_delete = False
    fields = ["account", "signed", "currency", "order_id", "order_line_id"]
    readonly_fields = fields
    ordering = ["pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="amount (debit +, credit −)")
    def signed(self, obj: LedgerPosting) -> str:
        return _signed(obj.amount_minor, obj.currency)


def _signed(minor: int, currency: str) -> str:
    return ("+" if minor > 0 else "−") + format_money(abs(minor), currency)


class PostingCurrencyFilter(admin.SimpleListFilter):
    title = "currency"
    parameter_name = "currency"

    def lookups(self, request, model_admin):
        codes = Market.objects.order_by("currency").values_list("currency", flat=True).distinct()
        return [(c, c) for c in codes]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Exists(LedgerPosting.objects.filter(entry=OuterRef("pk"), currency=self.value()))
            )
        return queryset


class PostingOwnerTypeFilter(admin.SimpleListFilter):
    title = "touches accounts of"
    parameter_name = "owner_type"

    def lookups(self, request, model_admin):
        return OwnerType.choices

    def queryset(self, request, queryset):
        if self.value():
            postings = LedgerPosting.objects.filter(
                entry=OuterRef("pk"), account__owner_type=self.value()
            )
            return queryset.filter(Exists(postings))
        return queryset


class EntryKindFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        kinds = LedgerEntry.objects.order_by("kind").values_list("kind", flat=True).distinct()
        return [(k, k) for k in kinds]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "kind", "memo", "key"]
    list_filter = [EntryKindFilter, PostingCurrencyFilter, PostingOwnerTypeFilter]
    search_fields = ["memo", "key"]
    search_help_text = "An order id (the number in /admin/shop/order/<id>/), or words of the memo."
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    inlines = [PostingInline]
    fields = ["key", "kind", "memo", "created_at"]
    change_list_template = "marketplace/admin/ledgerentry_change_list.html"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term.isdigit():
            postings = LedgerPosting.objects.filter(entry=OuterRef("pk"), order_id=int(term))
            return queryset.filter(Exists(postings)), False
        return super().get_search_results(request, queryset, search_term)

    def get_urls(self):
        view = self.admin_site.admin_view(self.summary_view)
        return [
            path("summary/", view, name="ledger_summary"),
            *super().get_urls(),
        ]

    def summary_view(self, request):
        if not self.has_view_permission(request):
            return redirect("admin:index")
        rows = ledger_weekly_summary()
        context = {
            **self.admin_site.each_context(request),
            "title": "GMV, referral fees and commissions by market and week",
            "rows": rows,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "marketplace/admin/ledger_summary.html", context)


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "owner_type", "owner_id", "currency", "balance_shown"]
    list_filter = ["kind", "currency", "owner_type"]
    search_fields = ["=owner_id"]
    search_help_text = "The owner's id (a seller's or a creator's)."
    ordering = ["owner_type", "owner_id", "kind", "currency"]

    @admin.display(description="balance", ordering="balance_minor")
    def balance_shown(self, obj: LedgerAccount) -> str:
        return format_money(obj.balance, obj.currency)


# --- The weekly summary -----------------------------------------------------------------

_CAPTURED, _REFUNDED = "order.captured", "order.refunded"
_COMMISSION_KINDS = ("commission.accrued", "commission.reversed")
_CREATOR_KINDS = (AccountKind.CREATOR_PENDING, AccountKind.CREATOR_AVAILABLE)


def ledger_weekly_summary() -> list[dict]:
    """Per currency (its markets) and ISO week of posting: GMV (what buyers paid), refunds,
    the platform's referral fees net of fees refunded, creators' commissions net of
    reversals, and the orders paid. One aggregate over the postings, one for the markets."""
    cash = Q(account__kind=AccountKind.PLATFORM_CASH)
    rows = (
        LedgerPosting.objects.annotate(week=TruncWeek("entry__created_at"))
        .values("currency", "week")
        .annotate(
            gmv=Sum("amount_minor", filter=cash & Q(entry__kind=_CAPTURED), default=0),
            refunds=Sum("amount_minor", filter=cash & Q(entry__kind=_REFUNDED), default=0),
            fees=Sum(
                "amount_minor",
                filter=Q(account__kind__in=[AccountKind.PLATFORM_FEES, AccountKind.REFUNDS]),
                default=0,
            ),
            commissions=Sum(
                "amount_minor",
                filter=Q(account__kind__in=_CREATOR_KINDS, entry__kind__in=_COMMISSION_KINDS),
                default=0,
            ),
            orders=Count("order_id", filter=cash & Q(entry__kind=_CAPTURED), distinct=True),
        )
        .order_by("-week", "currency")
    )
    markets: dict[str, list[str]] = {}
    for code, cur in Market.objects.order_by("position", "code").values_list("code", "currency"):
        markets.setdefault(cur, []).append(code)
    out = []
    for r in rows:
        if not (r["gmv"] or r["refunds"] or r["fees"] or r["commissions"]):
            continue  # a week of settlements and payouts only: no sales to report
        cur = r["currency"]
        out.append(
            {
                "week": r["week"].date() if r["week"] else None,
                "markets": ", ".join(markets.get(cur, [])) or "—",
                "currency": cur,
                "orders": r["orders"],
                "gmv": r["gmv"],
                "refunds": -r["refunds"],
                "fees": -r["fees"],
                "commissions": -r["commissions"],
                "gmv_text": format_money(r["gmv"], cur),
                "refunds_text": format_money(-r["refunds"], cur),
                "fees_text": format_money(-r["fees"], cur),
                "commissions_text": format_money(-r["commissions"], cur),
            }
        )
    return out
