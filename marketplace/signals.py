from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .markets import markets_changed
from .models import Market


@receiver([post_save, post_delete], sender=Market)
def _market_changed(**kwargs):
    markets_changed()
