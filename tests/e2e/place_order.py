"""Run one checkout in its own process (the way a web worker would), print the result."""

import json
import sys

import django

django.setup()

from marketplace.models import User  # noqa: E402
from shop.payments import CardDetails  # noqa: E402
from shop.services.checkout import Address, LineRequest, checkout_place  # noqa: E402
from shop.services.checkout_flow import checkout_result  # noqa: E402

buyer = User.objects.select_related("market").get(pk=int(sys.argv[1]))
checkout = checkout_place(
    buyer=buyer,
    market=buyer.market,
    lines=[LineRequest(int(sys.argv[2]), 1)],
    address=Address("Pipeline Tester", "1 Main St", "Springfield", "12345", buyer.market_id),
    shipping_option="standard",
    card=CardDetails("4242424242424242", 12, 2031, "123"),
    idempotency_key=f"pipeline-{sys.argv[2]}",
)
print(json.dumps(checkout_result(checkout=checkout)))
