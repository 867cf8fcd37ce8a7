"""The staff's payout screen: every payout with its status, the approval of large ones, a
retry of failed ones, this week's batch on demand, and each payout's CSV statement.

Nothing is edited by hand: approve, retry and the weekly run go through the payout
services, so the ledger entry, the gateway's idempotency key and the creators' commission
marks are the same as when the beat schedule does it."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from marketplace.money import format_money

from ..models import Payout, PayoutStatus
from ..services.payouts import payout_approve, payout_period, payout_retry, payouts_build
from ..services.payouts_support import payout_statement_csv


@admin.register(Payout)
class PayoutAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "period_start",
        "payee_type",
        "payee_name",
        "amount",
        "status",
        "round",
        "attempts",
        "failure_reason",
        "paid_at",
        "statement",
    ]
    list_filter = ["status", "payee_type", "currency", "period_start"]
    search_fields = ["payee_name", "gateway_ref", "=payee_id"]
    search_help_text = "Payee name, processor reference, or the payee's id."
    ordering = ["-period_start", "-pk"]
    list_select_related = ["approved_by"]
    actions = ["approve", "retry"]
    change_list_template = "shop/admin/payout_change_list.html"
    readonly_fields = [
        "account",
        "payee_type",
        "payee_id",
        "payee_name",
        "currency",
        "amount",
        "period_start",
        "period_end",
        "status",
        "round",
        "attempts",
        "gateway_ref",
        "failure_reason",
        "created_at",
        "approved_by",
        "paid_at",
        "failed_at",
        "statement",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # money left (or is leaving) through it: the record stays

    def has_change_permission(self, request, obj=None):
        # No field is editable; "change" is the permission the actions need.
        return super().has_change_permission(request, obj) and obj is None

    @admin.display(description="amount", ordering="amount_minor")
    def amount(self, obj: Payout) -> str:
        return format_money(obj.amount_minor, obj.currency)

    @admin.display(description="statement")
    def statement(self, obj: Payout) -> str:
        url = reverse("admin:shop_payout_statement", args=[obj.pk])
        return format_html('<a href="{}" download>CSV</a>', url)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/statement.csv", wrap(self.statement_view), name="shop_payout_statement"),
            path("run/", wrap(require_POST(self.run_view)), name="shop_payout_run"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        start, end = payout_period(timezone.localdate())
        extra = {"payout_week": (start, end), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def statement_view(self, request, pk: int):
        if not self.has_view_permission(request):
            return redirect("admin:index")
        payout = get_object_or_404(Payout, pk=pk)
        response = HttpResponse(payout_statement_csv(payout), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="payout-{payout.pk}.csv"'
        return response

    def run_view(self, request):
        """This week's batch, as the weekly beat runs it: nobody is paid twice."""
        if not self.has_change_permission(request):
            return redirect("admin:index")
        made = payouts_build()
        if made:
            self.message_user(request, f"{made} payout(s) created for this week.", messages.SUCCESS)
        else:
            self.message_user(
                request,
                "No new payout: everyone due has been paid this week, or no balance "
                "reaches the minimum.",
                messages.INFO,
            )
        return redirect("admin:shop_payout_changelist")

    @admin.action(
        description="Approve selected payouts awaiting approval (send them)", permissions=["change"]
    )
    def approve(self, request, queryset):
        self._each(request, queryset.filter(status=PayoutStatus.REVIEW), queryset, payout_approve)

    @admin.action(description="Retry selected failed payouts", permissions=["change"])
    def retry(self, request, queryset):
        self._each(request, queryset.filter(status=PayoutStatus.FAILED), queryset, payout_retry)

    def _each(self, request, due, selected, service) -> None:
        done = 0
        for pk in due.order_by("pk").values_list("pk", flat=True):
            try:
                service(payout_id=pk, actor=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"Payout {pk}: {exc.message}", messages.ERROR)
        skipped = selected.count() - done
        if done:
            self.message_user(request, f"{done} payout(s) on their way.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} payout(s) were not in a state for this and stay as they are.",
                messages.WARNING,
            )  # fmt: skip
