"""The benchmark dataset: generated, loaded with PostgreSQL COPY, and loaded only once.

A dataset is a list of parts in dependency order (the catalog first; later issues append
theirs, such as videos). Each part records the parameters it was loaded with in the
``bench_dataset`` table. When a part's parameters change, that part and every part after
it are truncated and loaded again; when nothing changed, loading is skipped.

Needs Django set up (``bench.__main__`` does it) and a PostgreSQL database.
"""

from __future__ import annotations

import itertools
import json
import random
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.utils import timezone

MARKER_TABLE = "bench_dataset"


Log = Callable[[str], None]


@dataclass
class Part:
    """One slice of the dataset. ``load`` fills its tables (already empty) and returns a
    summary; ``present`` double-checks the marker against the tables; ``refresh`` runs on
    every bench run, for data that goes stale with time (deal windows)."""

    name: str
    params: dict
    tables: list[str]
    load: Callable[[dict, random.Random, Log], dict]
    present: Callable[[dict], bool] = lambda params: True
    refresh: Callable[[dict, random.Random, Log], None] | None = None
    version: int = 1

    @property
    def marker(self) -> dict:
        return {"version": self.version, **self.params}


@dataclass
class LoadReport:
    loaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    summaries: dict = field(default_factory=dict)


def _markers() -> dict[str, dict]:
    with connection.cursor() as c:
        c.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} ("
            "part text PRIMARY KEY, params jsonb NOT NULL, summary jsonb NOT NULL, "
            "loaded_at timestamptz NOT NULL DEFAULT now())"
        )
        c.execute(f"SELECT part, params, summary FROM {MARKER_TABLE}")
        return {
            part: {"params": _json(params), "summary": _json(summary)}
            for part, params, summary in c.fetchall()
        }


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def ensure(parts: list[Part], *, force: bool = False, seed: int = 2026, log: Log = print):
    """Load whatever parts are missing or stale; skip the rest."""
    started = time.monotonic()
    markers = _markers()
    report = LoadReport()
    first_stale = None
    for i, part in enumerate(parts):
        recorded = markers.get(part.name)
        if (
            force
            or not recorded
            or recorded["params"] != part.marker
            or not part.present(part.params)
        ):
            first_stale = i
            break
        report.skipped.append(part.name)
        report.summaries[part.name] = recorded["summary"]
    if first_stale is not None:
        stale = parts[first_stale:]
        tables = [t for p in stale for t in p.tables]
        # One transaction: a load that dies half-way leaves the previous data, its marker
        # and its indexes exactly as they were.
        with transaction.atomic(), connection.cursor() as c:
            c.execute(f"DELETE FROM {MARKER_TABLE} WHERE part = ANY(%s)", [[p.name for p in stale]])
            if tables:
                log(f"emptying {', '.join(tables)}")
                c.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            for part in stale:
                t0 = time.monotonic()
                log(f"loading {part.name} {part.params}")
                summary = part.load(part.params, random.Random(f"{seed}:{part.name}"), log)
                summary["seconds"] = round(time.monotonic() - t0, 1)
                c.execute(
                    f"INSERT INTO {MARKER_TABLE} (part, params, summary) VALUES (%s, %s, %s)",
                    [part.name, json.dumps(part.marker), json.dumps(summary)],
                )
                log(f"loaded {part.name} in {summary['seconds']} s: {summary}")
                report.loaded.append(part.name)
                report.summaries[part.name] = summary
        t0 = time.monotonic()
        vacuum_analyze(tables)
        log(f"vacuum analyze in {time.monotonic() - t0:.1f} s")
    for part in parts:
        if part.refresh:
            part.refresh(part.params, random.Random(f"{seed}:{part.name}:refresh"), log)
    report.seconds = round(time.monotonic() - started, 1)
    return report


# --- bulk writing -------------------------------------------------------------------------


def copy_rows(model: type[models.Model], rows: Iterable[dict]) -> int:
    """COPY dicts (keyed by field attname) into the model's table. Fields a row leaves out
    get their model default, so a column added later does not break the loader."""
    fields = list(model._meta.concrete_fields)
    now = timezone.now()
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:  # the field's default, or "" for a text field without one, else None
            defaults[f.attname] = f.get_default()
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    count = 0
    statement = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
    with connection.cursor() as c, c.cursor.copy(statement) as copy:
        for row in rows:
            values = []
            for f in fields:
                v = row.get(f.attname, defaults[f.attname])
                if f.attname in json_fields and v is not None:
                    v = json.dumps(v)
                values.append(v)
            copy.write_row(values)
            count += 1
    return count


def reset_sequence(model: type[models.Model]) -> None:
    table = model._meta.db_table
    with connection.cursor() as c:
        c.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)",
            [table],
        )


@contextmanager
def indexes_dropped(tables: list[str], log: Log):
    """Drop the tables' secondary indexes (not those behind constraints) for a bulk load
    and build them again afterwards: one sorted build beats 100 000 incremental inserts,
    above all for the trigram GIN index."""
    with connection.cursor() as c:
        c.execute(
            "SELECT i.schemaname, i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.tablename = ANY(%s) AND NOT EXISTS ("
            "  SELECT 1 FROM pg_constraint k WHERE k.conindid = "
            "  (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
            [tables],
        )
        indexes = c.fetchall()
        for schema, name, _ in indexes:
            c.execute(
                f"DROP INDEX {connection.ops.quote_name(schema)}.{connection.ops.quote_name(name)}"
            )
    try:
        yield
    finally:
        t0 = time.monotonic()
        with connection.cursor() as c:
            # Django's foreign keys are deferred; check them now, or CREATE INDEX refuses.
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            c.execute("SET maintenance_work_mem = '256MB'")
            for _, _, definition in indexes:
                c.execute(definition)
            c.execute("RESET maintenance_work_mem")
        log(f"rebuilt {len(indexes)} indexes in {time.monotonic() - t0:.1f} s")


def vacuum_analyze(tables: list[str]) -> None:
    """Fresh statistics for the planner and a visibility map for index-only scans."""
    with connection.cursor() as c:
        for t in tables:
            c.execute(f"VACUUM (ANALYZE) {t}")


class Weighted:
    """Draws items in proportion to their weights (cumulative weights built once)."""

    def __init__(self, pairs: list[tuple[object, float]]):
        self.items = [item for item, _ in pairs]
        self.cum = list(itertools.accumulate(w for _, w in pairs))

    def draw(self, rng: random.Random):
        return rng.choices(self.items, cum_weights=self.cum)[0]
