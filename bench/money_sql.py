"""The settle benchmark's yardstick: the same work as ``settlement_run`` + ``payouts_build``
(seller shares settled, commissions released, this week's payouts built, each step one
ledger entry with its postings and the balances moved) as a few set-based statements.
PostgreSQL only; run inside one transaction."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection

SELLER_SETTLE = """
CREATE TEMP TABLE due_orders ON COMMIT DROP AS
  SELECT o.id FROM shop_order o JOIN marketplace_market m ON m.code = o.market_id
  WHERE o.settled_at IS NULL AND o.delivered_at <= %(as_of)s - make_interval(
    days => m.seller_settlement_days);
CREATE TEMP TABLE seller_moves ON COMMIT DROP AS
  SELECT p.order_id, a.id AS pending_id, a.owner_id, a.currency, sum(p.amount_minor) AS total
  FROM marketplace_ledgerposting p JOIN due_orders d ON d.id = p.order_id
  JOIN marketplace_ledgeraccount a ON a.id = p.account_id AND a.kind = 'seller_pending'
  GROUP BY 1, 2, 3, 4 HAVING sum(p.amount_minor) <> 0;
INSERT INTO marketplace_ledgeraccount (kind, currency, owner_type, owner_id, balance_minor)
  SELECT DISTINCT 'seller_available', currency, 'seller', owner_id, 0 FROM seller_moves
  ON CONFLICT DO NOTHING;
WITH e AS (
  INSERT INTO marketplace_ledgerentry (key, kind, memo, created_at)
  VALUES (%(key)s || ':seller', 'seller.settled', 'set-based settlement', now()) RETURNING id
)
INSERT INTO marketplace_ledgerposting
  (entry_id, account_id, amount_minor, currency, order_id, order_line_id)
  SELECT e.id, m.pending_id, -m.total, m.currency, m.order_id, NULL::bigint FROM e, seller_moves m
  UNION ALL
  SELECT e.id, av.id, m.total, m.currency, m.order_id, NULL::bigint FROM e, seller_moves m
  JOIN marketplace_ledgeraccount av ON av.kind = 'seller_available'
    AND av.currency = m.currency AND av.owner_type = 'seller' AND av.owner_id = m.owner_id;
UPDATE shop_order SET settled_at = now() WHERE id IN (SELECT id FROM due_orders);
"""

RELEASE = """
CREATE TEMP TABLE due_commissions ON COMMIT DROP AS
  SELECT c.id, c.creator_id, c.currency, c.amount_minor - c.reversed_minor AS net
  FROM creators_commission c JOIN shop_order o ON o.id = c.order_id
  JOIN marketplace_market m ON m.code = o.market_id
  WHERE c.status = 'pending'
    AND o.delivered_at <= %(as_of)s - make_interval(days => m.return_window_days)
    AND NOT EXISTS (SELECT 1 FROM shop_returnrequest r
                    WHERE r.order_id = c.order_id AND r.status = 'requested');
CREATE TEMP TABLE creator_moves ON COMMIT DROP AS
  SELECT creator_id, currency, sum(net) AS total FROM due_commissions
  GROUP BY 1, 2 HAVING sum(net) <> 0;
INSERT INTO marketplace_ledgeraccount (kind, currency, owner_type, owner_id, balance_minor)
  SELECT k.kind, m.currency, 'creator', m.creator_id, 0 FROM creator_moves m,
  (VALUES ('creator_pending'), ('creator_available')) AS k(kind)
  ON CONFLICT DO NOTHING;
WITH e AS (
  INSERT INTO marketplace_ledgerentry (key, kind, memo, created_at)
  VALUES (%(key)s || ':release', 'commission.released', 'set-based release', now())
  RETURNING id
)
INSERT INTO marketplace_ledgerposting
  (entry_id, account_id, amount_minor, currency, order_id, order_line_id)
  SELECT e.id, a.id, CASE a.kind WHEN 'creator_pending' THEN m.total ELSE -m.total END,
         m.currency, NULL::bigint, NULL::bigint
  FROM e, creator_moves m JOIN marketplace_ledgeraccount a ON a.owner_type = 'creator'
    AND a.owner_id = m.creator_id AND a.currency = m.currency
    AND a.kind IN ('creator_pending', 'creator_available');
UPDATE creators_commission SET status = 'available', available_at = now()
  WHERE id IN (SELECT id FROM due_commissions);
"""

PAYOUTS = """
INSERT INTO shop_payout (account_id, payee_type, payee_id, payee_name, currency, amount_minor,
  period_start, period_end, status, attempts, round, transfer_key, gateway_ref, failure_reason,
  created_at)
  SELECT a.id, a.owner_type, a.owner_id,
    left(coalesce(s.name, cr.display_name || ' (@' || cr.handle || ')', ''), 120),
    a.currency, -a.balance_minor, %(start)s, %(end)s,
    CASE WHEN m.payout_review_minor > 0 AND -a.balance_minor >= m.payout_review_minor
         THEN 'review' ELSE 'sending' END, 0, 1, '', '', '', now()
  FROM marketplace_ledgeraccount a JOIN marketplace_market m ON m.currency = a.currency
  LEFT JOIN shop_seller s ON a.owner_type = 'seller' AND s.id = a.owner_id
  LEFT JOIN creators_creator cr ON a.owner_type = 'creator' AND cr.id = a.owner_id
  WHERE ((a.kind = 'seller_available'
          AND -a.balance_minor >= greatest(1, m.seller_payout_minimum))
      OR (a.kind = 'creator_available'
          AND -a.balance_minor >= greatest(1, m.creator_payout_minimum)))
    AND NOT EXISTS (SELECT 1 FROM shop_payout p
                    WHERE p.account_id = a.id AND p.period_start = %(start)s);
INSERT INTO marketplace_ledgeraccount (kind, currency, owner_type, owner_id, balance_minor)
  SELECT DISTINCT 'payouts_in_transit', currency, 'platform', 0, 0 FROM shop_payout
  WHERE id > %(payouts_before)s ON CONFLICT DO NOTHING;
WITH e AS (
  INSERT INTO marketplace_ledgerentry (key, kind, memo, created_at)
  VALUES (%(key)s || ':payouts', 'payouts.built', 'set-based payouts', now()) RETURNING id
)
INSERT INTO marketplace_ledgerposting
  (entry_id, account_id, amount_minor, currency, order_id, order_line_id)
  SELECT e.id, p.account_id, p.amount_minor, p.currency, NULL::bigint, NULL::bigint
  FROM e, shop_payout p WHERE p.id > %(payouts_before)s
  UNION ALL
  SELECT e.id, t.id, -sum(p.amount_minor), p.currency, NULL::bigint, NULL::bigint
  FROM e, shop_payout p JOIN marketplace_ledgeraccount t ON t.kind = 'payouts_in_transit'
    AND t.currency = p.currency AND t.owner_type = 'platform'
  WHERE p.id > %(payouts_before)s GROUP BY e.id, t.id, p.currency;
UPDATE creators_commission c SET payout_id = p.id FROM shop_payout p
  WHERE p.id > %(payouts_before)s AND p.payee_type = 'creator' AND p.payee_id = c.creator_id
    AND p.currency = c.currency AND c.status = 'available' AND c.payout_id IS NULL;
"""

BALANCES = """
UPDATE marketplace_ledgeraccount a SET balance_minor = a.balance_minor + s.total
  FROM (SELECT account_id, sum(amount_minor) AS total FROM marketplace_ledgerposting
        WHERE id > %(postings_before)s GROUP BY 1) s
  WHERE a.id = s.account_id;
"""


def _scalar(c, sql: str) -> int:
    c.execute(sql)
    return c.fetchone()[0]


def set_based_run(as_of) -> None:
    start = as_of.date() - timedelta(days=as_of.weekday())
    key = f"bench-sql@{as_of:%Y%m%d%H%M%S%f}"
    with connection.cursor() as c:
        params = {"as_of": as_of, "key": key, "start": start, "end": start + timedelta(days=6)}
        params["postings_before"] = _scalar(
            c, "SELECT coalesce(max(id), 0) FROM marketplace_ledgerposting"
        )
        c.execute(SELLER_SETTLE, params)
        c.execute(RELEASE, params)
        c.execute(BALANCES, params)  # payouts read the balances settlement moved
        params["postings_before"] = _scalar(
            c, "SELECT coalesce(max(id), 0) FROM marketplace_ledgerposting"
        )
        params["payouts_before"] = _scalar(c, "SELECT coalesce(max(id), 0) FROM shop_payout")
        c.execute(PAYOUTS, params)
        c.execute(BALANCES, params)
