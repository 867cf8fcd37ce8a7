"""The kernel's part of the demo (markets, accounts) and the walk over the apps' loaders."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from ..models import Market
from .context import DemoContext

DEMO_PASSWORD = "demo-pass-2026"

# code, name, currency, in-app checkout allowed
MARKETS = [
    ("US", "United States", "USD", True),
    ("GB", "United Kingdom", "GBP", True),
    ("JP", "Japan", "JPY", True),
    ("ID", "Indonesia", "IDR", False),  # a regulator forbade checkout inside social apps
]

# username -> (first name, last name, staff, superuser)
DEMO_ACCOUNTS: dict[str, tuple[str, str, bool, bool]] = {
    "admin": ("Ada", "Admin", True, True),
    "shopper": ("Sam", "Shopper", False, False),
    "creator": ("Casey", "Creator", False, False),
    "seller": ("Riley", "Seller", False, False),
}


def markets_load(ctx: DemoContext) -> None:
    for position, (code, name, cur, checkout) in enumerate(MARKETS):
        ctx.markets[code], _ = ctx.upsert(
            Market,
            lookup={"code": code},
            defaults={
                "name": name,
                "currency": cur,
                "checkout_enabled": checkout,
                "return_window_days": 30,
                "referral_fee_bp": 600,
                "position": position,
            },
        )


def accounts_load(ctx: DemoContext) -> None:
    User = get_user_model()
    existing = {u.username: u for u in User.objects.filter(username__in=DEMO_ACCOUNTS)}
    hashed = None  # hashing is slow on purpose: do it at most once per run
    for username, (first, last, staff, superuser) in DEMO_ACCOUNTS.items():
        user, _ = ctx.upsert(
            User,
            lookup={"username": username},
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.marketplace.test",
                "market": ctx.markets["US"],
            },
            # Whatever happened since, the demo accounts can sign in as advertised.
            values={"is_staff": staff, "is_superuser": superuser, "is_active": True},
            instance=existing.get(username),
        )
        if not user.check_password(DEMO_PASSWORD):
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
            user.save(update_fields=["password"])
            ctx.counts[f"{User._meta.label} password set"] += 1
        ctx.accounts[username] = user


def app_loaders() -> list[tuple[str, object]]:
    """``<app>.demo.load`` for every project app but the kernel, in INSTALLED_APPS order
    (so shop's catalog exists before creators tag its products). Third-party apps are
    skipped: a ``demo`` module there is none of our business."""
    loaders = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        if (
            config.name == "marketplace"
            or not path.is_relative_to(settings.BASE_DIR)
            or "site-packages" in path.parts
        ):
            continue
        name = f"{config.name}.demo"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        if callable(getattr(module, "load", None)):
            loaders.append((config.label, module.load))
    return loaders


def load(ctx: DemoContext) -> None:
    ctx.add_steps(2, "markets and accounts")
    with transaction.atomic():
        markets_load(ctx)
        ctx.step()
        accounts_load(ctx)
        ctx.step()
    for _label, app_load in app_loaders():
        with transaction.atomic():
            app_load(ctx)
