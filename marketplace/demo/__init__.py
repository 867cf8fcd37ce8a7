"""Demo data: ``python manage.py load_demo``.

The kernel loads what it owns (markets, the demo accounts) and then asks every installed
app for its own loader: a module ``<app>.demo`` with a function ``load(ctx)``. That keeps
the import direction (the kernel never imports ``shop`` or ``creators``), and lets each app
put its demo data beside its own models.

Every loader must be idempotent: it looks rows up by natural key and creates only what is
missing (``ctx.upsert``; values it must enforce are written only when they differ), so a
second run changes nothing and a later run keeps what staff and shoppers changed.
Randomness comes from ``ctx.rng(name)``, seeded per name, so the data is the same on every
machine. Progress goes through ``ctx.add_steps(n, label)`` and ``ctx.step()``.
"""

from .context import DemoContext, upsert
from .loader import DEMO_ACCOUNTS, DEMO_PASSWORD, load

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "DemoContext", "load", "upsert"]
