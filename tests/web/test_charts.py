"""The SVG charts as drawn for given answers: positions, words, and what is left out."""

import re
from datetime import date
from html.parser import HTMLParser

from service.web.api_client import ComparePageCompareCosts, ModelPageModelPriceHistory
from service.web.charts import cost_chart, price_history_chart

TODAY = date(2026, 11, 28)


class Svg(HTMLParser):
    """Texts, bars and polylines of one chart."""

    def __init__(self, markup: str):
        super().__init__()
        self.texts: list[str] = []
        self.bars: list[dict[str, str | None]] = []
        self.lines: dict[str, str] = {}
        self.title = self.desc = ""
        self._in: str | None = None
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self._in = tag
        if tag == "rect":
            self.bars.append(found)
        elif tag == "polyline":
            self.lines[(found["class"] or "").split()[-1]] = found["points"] or ""

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "text":
            self.texts.append(data)
        elif self._in == "title":
            self.title += data
        elif self._in == "desc":
            self.desc += data


def _points(points: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"([\d.]+),([\d.]+)", points)]


def _price(
    start: str | None, end: str | None, amount: str, output: str, variant: str | None = None
) -> ModelPageModelPriceHistory:
    """One price as the ModelPage document's answer holds it."""
    return ModelPageModelPriceHistory.model_validate(
        {
            "variant": variant,
            "currency": "USD",
            "inputPerMtok": amount,
            "outputPerMtok": output,
            "cachedInputPerMtok": None,
            "effectiveFrom": start,
            "effectiveTo": end,
            "source": None,
        }
    )


def _cost(
    model: str, state: str, total: str | None, display: str, missing: list[str]
) -> ComparePageCompareCosts:
    """One model's cost as the ComparePage document's answer holds it."""
    return ComparePageCompareCosts.model_validate(
        {
            "model": model,
            "state": state,
            "display": display,
            "currency": "USD",
            "total": total,
            "inputCost": None,
            "outputCost": None,
            "cachedInputCost": None,
            "missing": missing,
            "basis": None,
            "note": None,
        }
    )


def test_bars_are_proportional_and_an_unpriced_model_says_so() -> None:
    costs = [
        _cost("a", "KNOWN", "10.50", "$10.50", []),
        _cost("b", "KNOWN", "5.25", "$5.25", []),
        _cost("c", "UNKNOWN", None, "—", ["price"]),
    ]
    chart = Svg(cost_chart(costs, {"a": "Model A", "b": "B & Co", "c": "C"}, "1 token"))
    widths = [float(str(bar["width"]).rstrip("%")) for bar in chart.bars]
    assert widths[0] == 2 * widths[1]
    assert chart.texts == [
        "Model A",
        "$10.50",
        "B & Co",
        "$5.25",
        "C",
        "unknown: no price on record",
    ]
    assert chart.title == "Estimated cost of 1 token"
    assert chart.desc == "Model A: $10.50; B & Co: $5.25; C: unknown: no price on record."


def test_a_price_change_is_a_step_at_its_date() -> None:
    prices = [
        _price("2026-01-01", "2026-06-30", "2.00", "8.00"),
        _price("2026-07-01", None, "1.00", "4.00"),
        _price("2026-01-01", None, "9.00", "9.00", variant="mini"),  # not model-wide
    ]
    markup = price_history_chart(prices, "Model", TODAY)
    assert markup is not None
    chart = Svg(markup)
    input_line = _points(chart.lines["input"])
    # Four corners: two steps, the cheaper one lower (larger y) and starting mid-way.
    assert len(input_line) == 4
    (x0, y0), (x1, _), (x2, y2), (x3, _) = input_line
    assert x0 == 0 and x3 == 1000 and y2 > y0
    days = (TODAY - date(2026, 1, 1)).days
    assert abs(x2 - 1000 * (date(2026, 7, 1) - date(2026, 1, 1)).days / days) < 1
    assert x1 < x2
    assert chart.desc == (
        "Input $2.00 from 2026-01-01; Input $1.00 from 2026-07-01; "
        "Output $8.00 from 2026-01-01; Output $4.00 from 2026-07-01; shown until 2026-11-28."
    )
    assert "$9.00" not in chart.texts
    assert "2026-01-01" in chart.texts and "2026-11-28 (today)" in chart.texts


def test_no_model_wide_price_draws_no_chart() -> None:
    assert price_history_chart([], "Model", TODAY) is None
    only_variant = [_price(None, None, "1", "2", variant="mini")]
    assert price_history_chart(only_variant, "Model", TODAY) is None


def test_text_from_the_catalog_is_escaped() -> None:
    costs = [_cost("x", "KNOWN", "1", "$1.00", [])]
    markup = cost_chart(costs, {"x": "<script>alert(1)</script>"}, "a & b")
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup and "a &amp; b" in markup
