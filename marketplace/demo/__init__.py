"""Demo data: ``python manage.py load_demo``.

The kernel loads what it owns (markets, the demo accounts) and then asks every installed
app for its own loader: a module ``<app>.demo`` with a function ``load(ctx)``. That keeps
the import direction (the kernel never imports ``shop`` or ``creators``), and lets each app
put its demo data beside its own models.

Every loader must be idempotent: it looks rows up by natural key and writes only what
differs (``ctx.upsert``), so a second run changes nothing. Randomness comes from
``ctx.rng(name)``, seeded per name, so the data is the same on every machine.
"""

from .context import DemoContext, upsert
from .loader import DEMO_ACCOUNTS, DEMO_PASSWORD, load

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "DemoContext", "load", "upsert"]
