"""The money part of the bench dataset, written with COPY and consistent with the ledger
(``ledger_check`` passes on it):

- the settle set: ``--commissions`` (100 000) one-line US orders, each driven by one of
  ``SETTLE_CREATORS`` creators, delivered 35–60 days ago, neither the seller's share
  settled nor the commission released: what a settlement run and that week's payouts do;
- the dashboard creator (the videos part's first creator, US): ``--dashboard-commissions``
  (50 000) commissions over a year on their videos, paid in weekly payouts once their
  return window closed, available since the last payout, pending in the window, some
  reversed by full refunds; older orders settled for their sellers.

Every order books its capture and accrual entries; refunds, settlements, releases and
payouts book theirs, and the accounts' balances are the sums of their postings.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta

from django.utils import timezone

from .dataset import Log, Part, copy_rows, indexes_dropped, reset_sequence

MONEY_VERSION = 2  # 2: the dashboard's rollups rebuilt after the load
MARKET, CURRENCY, FEE_BP, RATE_BP, WINDOW, SETTLE_DAYS = "US", "USD", 600, 1000, 30, 7
SETTLE_CREATORS = 2000
SETTLE_PREFIX = "bench-settle-creator-"
DASHBOARD_CREATOR_ID = 1  # the videos part's first creator, always in the US


class Book:
    """Ledger rows built in memory (tuples), with each account's running balance."""

    def __init__(self):
        self.accounts: dict[tuple, list[int]] = {}  # (kind, owner type, owner id) → [id, bal]
        self.entries: list[tuple] = []
        self.postings: list[tuple] = []

    def account(self, kind: str, owner_type: str = "platform", owner_id: int = 0) -> list[int]:
        key = (kind, owner_type, owner_id)
        if key not in self.accounts:
            self.accounts[key] = [len(self.accounts) + 1, 0]
        return self.accounts[key]

    def entry(self, key: str, kind: str, at, legs, memo: str = "") -> None:
        assert sum(leg[1] for leg in legs) == 0, key
        entry_id = len(self.entries) + 1
        self.entries.append((entry_id, key, kind, memo, at))
        for account, amount, order_id, line_id in legs:
            if amount:
                account[1] += amount
                self.postings.append((entry_id, account[0], amount, order_id, line_id))

    def write(self) -> None:
        from marketplace.ledger.models import LedgerAccount, LedgerEntry, LedgerPosting

        copy_rows(
            LedgerAccount,
            (
                {"id": a[0], "kind": k, "currency": CURRENCY, "owner_type": t, "owner_id": i}
                | {"balance_minor": a[1]}
                for (k, t, i), a in self.accounts.items()
            ),
        )
        copy_rows(
            LedgerEntry,
            (
                {"id": e, "key": k, "kind": kd, "memo": m, "created_at": at}
                for e, k, kd, m, at in self.entries
            ),
        )
        copy_rows(
            LedgerPosting,
            (
                {"id": n, "entry_id": e, "account_id": a, "amount_minor": amt}
                | {"currency": CURRENCY, "order_id": o, "order_line_id": ln}
                for n, (e, a, amt, o, ln) in enumerate(self.postings, start=1)
            ),
        )


def _settle_creators() -> list[int]:
    """Ids of the settle set's creators, creating the missing ones (kept across reloads)."""
    from creators.models import Creator

    from .feed_data import _users

    users = _users(SETTLE_PREFIX, SETTLE_CREATORS, lambda i: MARKET)
    have = dict(Creator.objects.filter(user_id__in=users).values_list("user_id", "id"))
    missing = [(i, u) for i, u in enumerate(users) if u not in have]
    if missing:
        first = (Creator.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        copy_rows(
            Creator,
            (
                {"id": first + n, "user_id": u, "handle": f"bench.settle{i}"}
                | {
                    "display_name": f"Settle {i}",
                    "market_id": MARKET,
                    "affiliate_code": f"bs{i:08d}",
                }
                for n, (i, u) in enumerate(missing)
            ),
        )
        reset_sequence(Creator)
        have = dict(Creator.objects.filter(user_id__in=users).values_list("user_id", "id"))
    return [have[u] for u in users]


def _load(params: dict, rng: random.Random, log: Log) -> dict:
    from creators.models import Commission, Video
    from marketplace.models import User
    from shop.models import Checkout, Order, OrderLine, Payout, Variant

    now = timezone.now()
    variants = list(
        Variant.objects.filter(product__market_id=MARKET, product__status="active").values_list(
            "id", "product_id", "product__seller_id", "price_minor"
        )[:5000]
    )
    buyer = User.objects.filter(username__startswith="bench-buyer-").order_by("id").first()
    if buyer is None or not variants:
        raise RuntimeError("the money part needs the catalog and buyers parts")
    settle_creators = _settle_creators()
    videos = list(
        Video.objects.filter(creator_id=DASHBOARD_CREATOR_ID).values_list("id", flat=True)
    )
    book = Book()
    cash, fees = book.account("platform_cash"), book.account("platform_fees")
    refunds, transit = book.account("refunds"), book.account("payouts_in_transit")
    orders, lines, commissions, payouts = [], [], [], []
    released: dict[object, list[tuple[int, int]]] = defaultdict(list)  # payday → (id, net)

    def sale(creator_id, paid_at, delivered_at, *, refunded=False, settled=False, video=None):
        n = len(orders) + 1
        vid, pid, seller, price = variants[rng.randrange(len(variants))]
        qty = rng.choice((1, 1, 1, 2))
        gross = price * qty
        fee, amount = gross * FEE_BP // 10_000, gross * RATE_BP // 10_000
        status = "refunded" if refunded else ("delivered" if delivered_at else "paid")
        orders.append(
            {"id": n, "number": f"B{n:011d}", "checkout_id": 1, "buyer_id": buyer.pk}
            | {"seller_id": seller, "market_id": MARKET, "currency": CURRENCY, "status": status}
            | {"subtotal_minor": gross, "total_minor": gross, "shipping_option": "standard"}
            | {"refunded_minor": gross if refunded else 0, "ship_full_name": "Bench Buyer"}
            | {"ship_line1": "1 Load St", "ship_city": "Springfield", "ship_postal_code": "12345"}
            | {"ship_country": "US", "created_at": paid_at, "paid_at": paid_at}
            | {"shipped_at": delivered_at and delivered_at - timedelta(days=2)}
            | {"delivered_at": delivered_at, "settled_at": delivered_at if settled else None}
        )
        lines.append(
            {"id": n, "order_id": n, "variant_id": vid, "product_id": pid, "seller_id": seller}
            | {"title": f"Bench product {pid}", "quantity": qty, "unit_price_minor": price}
            | {"gross_minor": gross, "referral_fee_bp": FEE_BP, "commission_rate_bp": RATE_BP}
            | {"refunded_quantity": qty if refunded else 0, "refunded_minor": gross * refunded}
        )
        pending = book.account("seller_pending", "seller", seller)
        creator = book.account("creator_pending", "creator", creator_id)
        book.entry(
            f"order.captured:{n}",
            "order.captured",
            paid_at,
            [(cash, gross, n, None), (fees, -fee, n, n), (pending, fee - gross, n, n)],
        )
        book.entry(
            f"commission.accrued:{n}",
            "commission.accrued",
            paid_at,
            [(pending, amount, n, n), (creator, -amount, n, n)],
        )
        if refunded:
            at = delivered_at + timedelta(days=5)
            book.entry(
                f"refund:{n}",
                "order.refunded",
                at,
                [(cash, -gross, n, None), (refunds, fee, n, n), (pending, gross - fee, n, n)],
            )
            book.entry(
                f"commission.reversed:{n}",
                "commission.reversed",
                at,
                [(creator, amount, n, n), (pending, -amount, n, n)],
            )
        elif settled:  # a refunded order settles nothing: its pending share is 0
            available = book.account("seller_available", "seller", seller)
            share = gross - fee - amount
            book.entry(
                f"seller.settled:{n}",
                "seller.settled",
                delivered_at,
                [(pending, share, n, None), (available, -share, n, None)],
            )
        commissions.append(
            {"id": n, "creator_id": creator_id, "order_line_id": n, "order_id": n}
            | {"product_id": pid, "seller_id": seller, "video_id": video, "currency": CURRENCY}
            | {"plan": "open", "rate_bp": RATE_BP, "gross_minor": gross, "amount_minor": amount}
            | {"reversed_minor": amount if refunded else 0, "created_at": paid_at}
            | {"status": "reversed" if refunded else "pending"}
        )
        return n, amount

    for _ in range(params["commissions"]):
        delivered = now - timedelta(days=rng.uniform(35, 60))
        sale(
            settle_creators[rng.randrange(len(settle_creators))],
            delivered - timedelta(days=4),
            delivered,
        )
    last_monday = (now - timedelta(days=now.weekday())).replace(hour=6, minute=0, second=0)
    for _ in range(params["dashboard"]):
        paid = now - timedelta(days=365 * rng.random() ** 1.3, seconds=60)
        delivered = paid + timedelta(days=4)
        delivered = delivered if delivered < now else None
        refunded = (
            delivered is not None and rng.random() < 0.05 and delivered < now - timedelta(days=6)
        )
        settled = delivered is not None and delivered < now - timedelta(days=SETTLE_DAYS)
        n, amount = sale(
            DASHBOARD_CREATOR_ID,
            paid,
            delivered,
            refunded=refunded,
            settled=settled,
            video=videos[rng.randrange(len(videos))] if videos else None,
        )
        if delivered and not refunded and delivered + timedelta(days=WINDOW) < now:
            opens = delivered + timedelta(days=WINDOW)
            payday = opens - timedelta(days=opens.weekday()) + timedelta(days=7)
            released[payday.date() if payday <= last_monday else None].append((n, amount))
    creator_pending = book.account("creator_pending", "creator", DASHBOARD_CREATOR_ID)
    creator_available = book.account("creator_available", "creator", DASHBOARD_CREATOR_ID)
    by_id = {c["id"]: c for c in commissions}
    for payday in sorted(released, key=lambda d: (d is None, d)):
        rows = released[payday]
        total = sum(a for _, a in rows)
        at = now - timedelta(hours=1)
        if payday is not None:
            at = timezone.make_aware(datetime.combine(payday, datetime.min.time()))
        book.entry(
            f"commission.released:dash-{payday}",
            "commission.released",
            at,
            [(creator_pending, total, None, None), (creator_available, -total, None, None)],
        )
        payout_id = None
        if payday is not None:
            payout_id = len(payouts) + 1
            payouts.append(
                {"id": payout_id, "account_id": creator_available[0], "payee_type": "creator"}
                | {"payee_id": DASHBOARD_CREATOR_ID, "payee_name": "Bench creator"}
                | {"currency": CURRENCY, "amount_minor": total, "period_start": payday}
                | {"period_end": payday + timedelta(days=6), "status": "paid", "created_at": at}
                | {"paid_at": at, "gateway_ref": f"po_bench_{payout_id}"}
            )
            book.entry(
                f"payouts.built:dash-{payday}",
                "payouts.built",
                at,
                [(creator_available, total, None, None), (transit, -total, None, None)],
            )
            book.entry(
                f"payout.paid:dash-{payout_id}",
                "payout.paid",
                at,
                [(transit, total, None, None), (cash, -total, None, None)],
            )
        for n, _ in rows:
            c = by_id[n]
            c["status"], c["available_at"] = ("paid" if payout_id else "available"), at
            c["payout_id"], c["paid_at"] = payout_id, at if payout_id else None
    tables = [m._meta.db_table for m in (Order, OrderLine, Commission)]
    with indexes_dropped(tables + ["marketplace_ledgerposting", "marketplace_ledgerentry"], log):
        copy_rows(
            Checkout,
            [
                {
                    "id": 1,
                    "buyer_id": buyer.pk,
                    "market_id": MARKET,
                    "currency": CURRENCY,
                    "total_minor": sum(o["total_minor"] for o in orders),
                }
            ],
        )
        copy_rows(Order, orders)
        copy_rows(OrderLine, lines)
        book.write()  # accounts before the payouts that point at them
        copy_rows(Payout, payouts)
        copy_rows(Commission, commissions)
    for model in (Checkout, Order, OrderLine, Payout, Commission):
        reset_sequence(model)
    from marketplace.ledger.models import LedgerAccount, LedgerEntry, LedgerPosting

    for model in (LedgerAccount, LedgerEntry, LedgerPosting):
        reset_sequence(model)
    from creators.dashboard_rollups import rollups_rebuild

    rollups_rebuild()  # the dashboard's per-day and per-video sums, for rows written by COPY
    log(f"money: {len(orders)} orders, {len(book.postings)} postings, {len(payouts)} payouts")
    return {"orders": len(orders), "postings": len(book.postings), "payouts": len(payouts)}


def _present(params: dict) -> bool:
    from creators.models import Commission

    return Commission.objects.filter(status="pending").count() >= params["commissions"]


def money_part(*, commissions: int, dashboard: int) -> Part:
    return Part(
        name="money",
        params={"commissions": commissions, "dashboard": dashboard},
        tables=[
            "creators_creatordaystats",
            "creators_creatorvideostats",
            "marketplace_ledgerposting",
            "marketplace_ledgerentry",
            "marketplace_ledgeraccount",
            "creators_commission",
            "shop_payout",
            "shop_orderline",
            "shop_order",
            "shop_checkout",
        ],
        load=_load,
        present=_present,
        version=MONEY_VERSION,
    )


def dashboard_creator() -> tuple[int, int]:
    """(creator id, user id) of the dashboard creator."""
    from creators.models import Creator

    return DASHBOARD_CREATOR_ID, Creator.objects.values_list("user_id", flat=True).get(
        pk=DASHBOARD_CREATOR_ID
    )
