"""What every app's demo loader receives, and the write-only-what-differs helper."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


class _NoProgress:
    """Stands in for a tqdm bar when none is shown."""

    total = 0

    def update(self, n: int = 1) -> None:
        pass

    def set_description(self, desc: str | None = None, refresh: bool = True) -> None:
        pass

    def refresh(self) -> None:
        pass


@dataclass
class DemoContext:
    seed: int
    now: datetime
    progress: Any = field(default_factory=_NoProgress)
    # Shared between loaders: the kernel fills these, apps read them.
    markets: dict[str, Any] = field(default_factory=dict)
    accounts: dict[str, Any] = field(default_factory=dict)
    # "<app>.<Model> created" / "... updated" -> count, for the closing summary.
    counts: Counter = field(default_factory=Counter)

    def rng(self, name: str) -> random.Random:
        """A generator seeded by the run's seed and ``name``: adding a product to the plan
        does not change what every other product gets."""
        return random.Random(f"{self.seed}:{name}")

    def add_steps(self, n: int, desc: str) -> None:
        self.progress.total += n
        self.progress.set_description(desc)
        self.progress.refresh()

    def step(self, n: int = 1) -> None:
        self.progress.update(n)

    def upsert(
        self,
        model: type[M],
        *,
        lookup: dict[str, Any],
        defaults: dict[str, Any] | None = None,
        values: dict[str, Any] | None = None,
        instance: M | None = None,
    ) -> tuple[M, str]:
        obj, outcome = upsert(
            model, lookup=lookup, defaults=defaults, values=values, instance=instance
        )
        if outcome:
            self.counts[f"{model._meta.label} {outcome}"] += 1
        return obj, outcome


def upsert(
    model: type[M],
    *,
    lookup: dict[str, Any],
    defaults: dict[str, Any] | None = None,
    values: dict[str, Any] | None = None,
    instance: M | None = None,
) -> tuple[M, str]:
    """Find the row by its natural key (``lookup``), or create it.

    ``defaults`` are used only to create: the demo never overwrites what someone changed
    since (a price, a stock level, a market's checkout switch). ``values`` are enforced:
    fields that differ are saved, and an unchanged row is not written at all, so
    ``auto_now`` columns and ``post_save`` receivers stay quiet on a re-run.

    Returns the object and ``"created"``, ``"updated"`` or ``""``. Pass ``instance`` when
    the caller already fetched the row (bulk look-ups keep a re-run to a few queries).
    """
    values = values or {}
    if instance is None:
        instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        return model._default_manager.create(**lookup, **(defaults or {}), **values), "created"
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.save(update_fields=changed)
        return instance, "updated"
    return instance, ""
