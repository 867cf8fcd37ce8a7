from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .models import Cart
from .services.cart import SESSION_KEY, cart_merge


@receiver(user_logged_in)
def merge_guest_cart(sender, request, user, **kwargs):
    """A guest's cart follows them when they sign in."""
    if request is None or not hasattr(request, "session"):
        return
    token = request.session.pop(SESSION_KEY, None)
    if not token:
        return
    guest = Cart.objects.filter(token=token, user__isnull=True).first()
    if guest is None:
        return
    target, _ = Cart.objects.get_or_create(user=user, market_id=guest.market_id)
    cart_merge(source=guest, target=target)
