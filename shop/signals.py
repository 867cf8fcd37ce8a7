from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .cache import listing_changed
from .cart_badge import forget_cart_of, forget_count
from .models import Cart, CartLine, Category, Product, Seller
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


@receiver([post_save, post_delete], sender=Product)
@receiver([post_save, post_delete], sender=Seller)
@receiver([post_save, post_delete], sender=Category)
def listing_written(sender, **kwargs):
    """Search results may have changed: a new listing generation (shop.cache)."""
    listing_changed()


@receiver([post_save, post_delete], sender=Cart)
def cart_written(sender, instance, created=False, **kwargs):
    if created or kwargs.get("signal") is post_delete:
        forget_cart_of(instance.user_id, instance.market_id)
    forget_count(instance.pk)


@receiver([post_save, post_delete], sender=CartLine)
def cart_line_written(sender, instance, **kwargs):
    forget_count(instance.cart_id)
