"""Celery tasks of the creators app, split by subdomain (autodiscovery imports this)."""

from .engagement import *  # noqa: F403
from .videos import *  # noqa: F403
