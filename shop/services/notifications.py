"""Emails about orders, through Django's email backend (the console in the demo).

Each (order, kind) is sent once: a ``SentEmail`` row is written in the same transaction
as the send is decided, so a redelivered event finds it and sends nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from ..models import Order, SentEmail

# Who hears about what: the subject per audience. A kind that names only the buyer
# emails only the buyer. Bodies are templates/shop/email/order_<kind>_<audience>.txt.
SUBJECTS: dict[str, dict[str, str]] = {
    "paid": {"buyer": "Your order #{number} is confirmed", "seller": "New order #{number}"},
    "shipped": {"buyer": "Your order #{number} is on its way"},
}


def order_emails_send(*, order_id: int, kind: str) -> int:
    subjects = SUBJECTS[kind]
    order = (
        Order.objects.select_related("buyer", "seller__owner", "market")
        .prefetch_related("lines")
        .get(pk=order_id)
    )
    messages = []
    if "buyer" in subjects and order.buyer.email:
        messages.append(("buyer", order.buyer.email, subjects["buyer"]))
    owner = order.seller.owner
    if "seller" in subjects and owner and owner.email:
        messages.append(("seller", owner.email, subjects["seller"]))
    sent = 0
    for audience, to, subject in messages:
        try:
            with transaction.atomic():
                SentEmail.objects.create(order=order, kind=f"{kind}:{audience}", to=to)
                body = render_to_string(f"shop/email/order_{kind}_{audience}.txt", {"order": order})
                send_mail(
                    subject.format(number=order.number), body, settings.DEFAULT_FROM_EMAIL, [to]
                )
                sent += 1
        except IntegrityError:
            continue  # already sent for this order
    return sent
