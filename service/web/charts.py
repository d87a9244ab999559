"""Charts drawn on the server as SVG: no script, real text, a title and a description.

Positions are percentages of the chart's width and text keeps its pixel size, so a chart fills
a phone's column without shrinking its labels; the price lines are drawn in an inner plot that
stretches horizontally (with strokes that do not stretch). Labels sit above the bars, not
beside them, so long names fit on a narrow screen.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from markupsafe import Markup, escape

from service.web.api_client import ComparePageCompareCosts, FactState, ModelPageModelPriceHistory
from service.web.present import join_words, money

ROW_HEIGHT = 46
BAR_HEIGHT = 16
LABEL_SIZE = 13
BAR_SPAN = 72.0  # percent of the width the longest bar takes; the rest holds its value
PLOT_LEFT = 15.0  # percent; the price axis labels sit left of it
PLOT_RIGHT = 97.0
PLOT_TOP = 34
PLOT_HEIGHT = 150
PLOT_UNITS = 1000  # the inner plot's horizontal units, stretched to the plot's width


def _svg(chart_id: str, height: float, title: str, desc: str, body: list[str]) -> Markup:
    head = (
        f'<svg class="chart" id="{chart_id}" role="img" width="100%" height="{height:g}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, content: str, css: str = "", anchor: str = "start") -> str:
    """Text at x percent of the width, y pixels down."""
    return (
        f'<text x="{x:.2f}%" y="{y:.1f}" class="{css}" text-anchor="{anchor}">'
        f"{escape(content)}</text>"
    )


def cost_chart(
    costs: list[ComparePageCompareCosts], names: dict[str, str], workload: str
) -> Markup:
    """One bar per model for the workload's estimated cost; a model with no price says so."""
    totals = [c.total if c.state == FactState.KNOWN else None for c in costs]
    largest = max((t for t in totals if t is not None), default=Decimal(0))
    body: list[str] = []
    said: list[str] = []
    for row, (cost, total) in enumerate(zip(costs, totals, strict=True)):
        name = names.get(cost.model, cost.model)
        top = row * ROW_HEIGHT
        body.append(f'<g class="cost-row" data-model="{escape(cost.model)}">')
        body.append(_text(0, top + LABEL_SIZE + 2, name, "label"))
        bar_top = top + LABEL_SIZE + 10
        if total is None:
            missing = join_words([m.replace("_", " ") for m in cost.missing])
            words = f"unknown: no {missing or 'price'} on record"
            body.append(_text(0, bar_top + BAR_HEIGHT - 3, words, "unknown"))
            said.append(f"{name}: {words}")
        else:
            share = float(total / largest) if largest > 0 else 0.0
            width = max(share * BAR_SPAN, 0.5)
            body.append(
                f'<rect class="bar" x="0" y="{bar_top:.1f}" width="{width:.2f}%" '
                f'height="{BAR_HEIGHT}" rx="2"/>'
            )
            body.append(_text(width + 1.5, bar_top + BAR_HEIGHT - 3, cost.display, "value"))
            said.append(f"{name}: {cost.display}")
        body.append("</g>")
    height = max(len(costs), 1) * ROW_HEIGHT
    title = f"Estimated cost of {workload}"
    return _svg("cost-chart", height, title, "; ".join(said) + ".", body)


@dataclass(frozen=True)
class Step:
    """One price of a series, held from `start` (None: a date not on record) to `end`."""

    start: date | None
    end: date
    amount: Decimal


def _steps(prices: list[ModelPageModelPriceHistory], series: str, today: date) -> list[Step]:
    steps = []
    for price in prices:
        amount = price.input_per_mtok if series == "input" else price.output_per_mtok
        if amount is None:
            continue
        start = price.effective_from
        end = price.effective_to or today
        # A price announced for a later date is drawn from its start, however short.
        steps.append(Step(start, max(end, start or end), amount))
    return steps


SERIES = (("input", "Input"), ("output", "Output"))  # the CSS class and the legend


def price_history_chart(
    prices: list[ModelPageModelPriceHistory], model_name: str, today: date
) -> Markup | None:
    """Input and output price per 1M tokens over time, for the model-wide prices.

    A price whose start is not on record begins at the chart's left edge, marked as such.
    """
    model_wide = [p for p in prices if not p.variant]
    series = {css: _steps(model_wide, css, today) for css, _ in SERIES}
    if not any(series.values()):
        return None
    currency = model_wide[0].currency or "USD"
    every = [s for steps in series.values() for s in steps]
    known = [s.start for s in every if s.start]
    first = min(known, default=today)
    last = max([today, *(s.end for s in every)])
    undated = any(s.start is None for s in every)
    span = max((last - first).days, 1)
    # An undated start gets a tenth of the width before the first known date (all of it when
    # no date is known: the price has held since an unknown day until today).
    lead = (0.1 if known else 1.0) if undated else 0.0
    top_amount = max(s.amount for s in every) or Decimal(1)

    def share(day: date | None) -> float:
        """Where a day falls along the plot, 0 to 1 (an undated start at 0)."""
        if day is None:
            return 0.0
        return lead + (1 - lead) * (day - first).days / span

    def percent(day: date | None) -> float:
        return PLOT_LEFT + share(day) * (PLOT_RIGHT - PLOT_LEFT)

    def y(amount: Decimal) -> float:
        return PLOT_TOP + PLOT_HEIGHT * (1 - float(amount / (top_amount * Decimal("1.15"))))

    body: list[str] = []
    bottom = PLOT_TOP + PLOT_HEIGHT
    for tick in (Decimal(0), top_amount / 2, top_amount):
        body.append(
            f'<line class="grid" x1="{PLOT_LEFT}%" x2="{PLOT_RIGHT}%" '
            f'y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>'
        )
        body.append(_text(PLOT_LEFT - 1, y(tick) + 4, money(str(tick), currency), "tick", "end"))
    said = []
    lines = []
    legend_x = PLOT_LEFT
    for css, label in SERIES:
        steps = series[css]
        if not steps:
            continue
        points = []
        for step in sorted(steps, key=lambda s: s.start or date.min):
            for day in (step.start, step.end):
                points.append(f"{share(day) * PLOT_UNITS:.1f},{y(step.amount) - PLOT_TOP:.1f}")
            shown = money(str(step.amount), currency)
            body.append(_text(percent(step.start) + 1, y(step.amount) - 6, shown, css))
            since = step.start.isoformat() if step.start else "a date not on record"
            said.append(f"{label} {shown} from {since}")
        lines.append(
            f'<polyline class="line {css}" vector-effect="non-scaling-stroke" '
            f'points="{" ".join(points)}"/>'
        )
        body.append(
            f'<line class="line {css}" x1="{legend_x}%" x2="{legend_x + 5}%" y1="12" y2="12"/>'
        )
        body.append(_text(legend_x + 6.5, 16, f"{label} per 1M", "legend"))
        legend_x += 38
    # The lines live in a plot that stretches sideways; their strokes do not.
    body.append(
        f'<svg x="{PLOT_LEFT}%" y="{PLOT_TOP}" width="{PLOT_RIGHT - PLOT_LEFT}%" '
        f'height="{PLOT_HEIGHT}" viewBox="0 0 {PLOT_UNITS} {PLOT_HEIGHT}" '
        f'preserveAspectRatio="none" overflow="visible">{"".join(lines)}</svg>'
    )
    left_label = "date not on record" if undated else first.isoformat()
    body.append(_text(PLOT_LEFT, bottom + 18, left_label, "tick"))
    right_label = f"{last.isoformat()} (today)" if last == today else last.isoformat()
    body.append(_text(PLOT_RIGHT, bottom + 18, right_label, "tick", "end"))
    title = f"Price history of {model_name}, per 1M tokens"
    desc = "; ".join(said) + f"; shown until {last.isoformat()}."
    return _svg("price-chart", bottom + 26, title, desc, body)
