"""The dashboard's line chart, drawn by the server (no JavaScript, nothing loaded from
elsewhere). Geometry is in percent of the plot area: the line, its fill and the gridlines
are an SVG stretched to the plot, while labels and points are HTML placed at those
percentages, so text stays its real size on a phone and a desktop alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from marketplace.money import currency, format_money

METRICS = {
    "earned_minor": "Commission",
    "gmv_minor": "GMV",
    "orders": "Orders",
    "taps": "Product taps",
}
DEFAULT_METRIC = "earned_minor"
MAX_INTERVALS = 4


@dataclass
class Chart:
    metric: str
    label: str
    line: str
    area: str
    points: list[dict]
    y_ticks: list[dict]
    x_labels: list[dict]
    empty: bool


def nice_step(value: int, *, unit: int = 1) -> int:
    """The smallest 1, 2 or 5 × 10^n multiple of ``unit`` that splits ``value`` into at most
    ``MAX_INTERVALS`` intervals (gridlines on round numbers)."""
    target = max(-(-value // MAX_INTERVALS), 1)
    step = unit
    while True:
        for m in (1, 2, 5):
            if m * step >= target:
                return m * step
        step *= 10


def _money(value: int, cur: str) -> str:
    exp = currency(cur).exponent
    text = format_money(value, cur)
    # Whole units on the axis: "$1,200" rather than "$1,200.00".
    return text.rsplit(currency(cur).decimal, 1)[0] if exp and value % 10**exp == 0 else text


def line_chart(series: list[dict], *, metric: str, cur: str) -> Chart:
    if metric not in METRICS:
        metric = DEFAULT_METRIC
    money = metric.endswith("_minor")
    values = [int(week[metric]) for week in series]
    step = nice_step(max(values, default=0), unit=10 ** currency(cur).exponent if money else 1)
    top = step * max(-(-max(values, default=0) // step), 1)
    n = max(len(values) - 1, 1)

    def x(i: int) -> float:
        return round(100 * i / n, 2)

    def y(v: int) -> float:
        return round(100 * (1 - max(v, 0) / top), 2)

    points = [
        {
            "x": x(i),
            "y": y(v),
            "value": format_money(v, cur) if money else f"{v:,}",
            "week": week["week_start"],
        }
        for i, (v, week) in enumerate(zip(values, series, strict=True))
    ]
    line = " ".join(f"{'M' if i == 0 else 'L'}{p['x']},{p['y']}" for i, p in enumerate(points))
    area = f"{line} L{points[-1]['x']},100 L{points[0]['x']},100 Z" if points else ""
    y_ticks = [
        {"y": y(v), "label": _money(v, cur) if money else f"{v:,}"} for v in range(0, top + 1, step)
    ]
    x_labels = [
        {"x": p["x"], "label": date.fromisoformat(p["week"]).strftime("%-d %b")}
        for i, p in enumerate(points)
        if (len(points) - 1 - i) % 3 == 0  # every third week, ending on this one
    ]
    return Chart(
        metric=metric,
        label=METRICS[metric],
        line=line,
        area=area,
        points=points,
        y_ticks=y_ticks,
        x_labels=x_labels,
        empty=not any(values),
    )
