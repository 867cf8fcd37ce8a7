"""Celery tasks of the creators app, split by subdomain (autodiscovery imports this)."""

from .commissions import *  # noqa: F403
from .engagement import *  # noqa: F403
from .videos import *  # noqa: F403
