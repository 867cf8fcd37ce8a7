"""Keeping precomputed feed data honest when its sources change outside the feed."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from shop.models import Product

from ..models import Follow, Video
from ..services.taps import VISITOR_COOKIE, taps_claim
from .cards import cards_forget, cards_forget_for_products
from .following import recent_forget
from .sections import featured_forget
from .viewer import viewer_forget


@receiver(post_save, sender=Product)
def _product_changed(sender, instance, **kwargs):
    # Price, stock, title or status: every card showing the product is stale. Writers
    # that bypass save() (F() updates at checkout) are covered by the cards' short TTL.
    cards_forget_for_products([instance.pk])
    featured_forget([instance.pk])


@receiver(post_save, sender=Video)
@receiver(post_delete, sender=Video)
def _video_changed(sender, instance, **kwargs):
    cards_forget([instance.pk])
    recent_forget(instance.creator_id)


@receiver(post_save, sender=Follow)
@receiver(post_delete, sender=Follow)
def _follow_changed(sender, instance, **kwargs):
    viewer_forget(instance.follower_id)


@receiver(user_logged_in)
def _claim_visitor_taps(sender, request, user, **kwargs):
    if request is not None:
        taps_claim(user=user, visitor_id=request.COOKIES.get(VISITOR_COOKIE, ""))
