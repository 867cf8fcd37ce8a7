"""Payee details and statements for payouts."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from marketplace.ledger.models import LedgerPosting
from marketplace.money import to_decimal

from ..models import Order, Payout, Seller

# Another app may detail what a payout covers for its kind of payee (creators lists the
# commissions): ``fn(payout) -> (title, header, rows)``, registered in its ``ready()``.
StatementDetail = Callable[[Payout], tuple[str, list[str], list[list]]]
_statement_details: dict[str, StatementDetail] = {}


def register_statement_detail(payee_type: str, fn: StatementDetail) -> StatementDetail:
    _statement_details[payee_type] = fn
    return fn


def seller_payees(ids: list[int]) -> dict[int, tuple[str, str]]:
    return {
        pk: (name, dest or f"acct_seller_{pk}")
        for pk, name, dest in Seller.objects.filter(pk__in=ids).values_list(
            "pk", "name", "payout_destination"
        )
    }


def payout_statement_rows(payout: Payout) -> list[dict]:
    """What a payout pays for: every movement on the payee's available account since their
    previous payout of the same currency, oldest first."""
    previous = (
        Payout.objects.filter(account=payout.account, created_at__lt=payout.created_at)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    postings = (
        LedgerPosting.objects.filter(
            account=payout.account, entry__created_at__lte=payout.created_at
        )
        .exclude(entry__kind__startswith="payout")
        .select_related("entry")
        .order_by("entry__created_at", "pk")
    )
    if previous is not None:
        postings = postings.filter(entry__created_at__gt=previous)
    postings = list(postings)
    numbers = dict(
        Order.objects.filter(pk__in={p.order_id for p in postings if p.order_id}).values_list(
            "pk", "number"
        )
    )
    return [
        {
            "date": p.entry.created_at.date().isoformat(),
            "entry": p.entry_id,
            "kind": p.entry.kind,
            "order": numbers.get(p.order_id, ""),
            "description": p.entry.memo,
            # Credits to the payee's account are what they earned.
            "amount": to_decimal(-p.amount_minor, payout.currency),
        }
        for p in postings
    ]


def payout_statement_csv(payout: Payout) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Payout", payout.pk, "Payee", payout.payee_name])
    writer.writerow(["Period", payout.period_start.isoformat(), payout.period_end.isoformat()])
    writer.writerow(["Status", payout.get_status_display(), "Currency", payout.currency])
    writer.writerow([])
    writer.writerow(["date", "entry", "kind", "order", "description", "amount"])
    for row in payout_statement_rows(payout):
        writer.writerow(
            [row[k] for k in ("date", "entry", "kind", "order", "description", "amount")]
        )
    writer.writerow([])
    writer.writerow(
        ["Total paid", "", "", "", "", to_decimal(payout.amount_minor, payout.currency)]
    )
    detail = _statement_details.get(payout.payee_type)
    if detail is not None:
        title, header, rows = detail(payout)
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows(rows)
    return out.getvalue()
