"""The comparison: table sections of rows of cells, shared tasks, demo verdict and costs."""

from datetime import date
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from service import display
from service.catalog import compare as logic
from service.graphql.types.common import FactState
from service.graphql.types.model import ModelType
from service.graphql.types.offer import OfferType
from service.graphql.types.price import PriceType
from service.graphql.types.task import TaskType
from service.models import base as vocab


@strawberry.enum(description="Which way a row is ordered when it names leaders.")
class Better(Enum):
    HIGHER = strawberry.enum_value("higher", description="More is better (context window).")
    LOWER = strawberry.enum_value("lower", description="Less is better (price).")


@strawberry.type(description="One model's value on a row of the comparison.")
class ComparisonCell:
    model: str = strawberry.field(description="Slug of the model this cell is about.")
    display: str = strawberry.field(description="The value as the page prints it.")
    state: FactState = strawberry.field(
        description="Whether the value is known and, if not, why (undisclosed, unknown, not "
        "applicable)."
    )
    value: JSON | None = strawberry.field(
        description="The typed value (number, text, object); null unless KNOWN."
    )


@strawberry.type(description="One fact compared across the models: a cell per model, in order.")
class ComparisonRow:
    key: str = strawberry.field(description="Stable key, e.g. 'context_window' or 'task:ocr'.")
    label: str = strawberry.field(description="The row's heading as the page prints it.")
    group: str | None = strawberry.field(description="Sub-heading within the section.")
    cells: list[ComparisonCell] = strawberry.field(
        description="One cell per model, in the order of `Comparison.models`."
    )
    differs: bool = strawberry.field(description="Whether the models' cells differ.")
    better: Better | None = strawberry.field(description="Set where the row has an order.")
    leaders: list[str] = strawberry.field(
        description="Slugs of the models ahead on this row (cheaper, longer context, newer, "
        "more tasks); empty when there is no order, too few known values, or a tie."
    )


@strawberry.type(description="A part of the comparison table (overview, pricing, tasks…).")
class ComparisonSection:
    key: str = strawberry.field(description="Stable key of the section, e.g. 'pricing'.")
    title: str = strawberry.field(description="The section's heading as the page prints it.")
    rows: list[ComparisonRow] = strawberry.field(description="The section's rows, in order.")


@strawberry.type(description="A task only some of the compared models handle.")
class TaskCoverage:
    task: TaskType = strawberry.field(description="The task only some models handle.")
    models: list[str] = strawberry.field(description="Slugs of the models that handle the task.")


@strawberry.type(
    description="Whether the models can be compared side by side in live demos: they need "
    "enough tasks that every one of them can demo."
)
class DemoVerdict:
    available: bool = strawberry.field(
        description="True when the models share at least `minimumSharedTasks` demo tasks."
    )
    shared_tasks: list[TaskType] = strawberry.field(description="Tasks all models can demo live.")
    minimum_shared_tasks: int = strawberry.field(
        description="How many shared demo tasks a live comparison needs (a server setting)."
    )
    reason: str = strawberry.field(description="Why the verdict is what it is, in words.")


@strawberry.enum(description="What a cost estimate was priced at.")
class CostBasis(Enum):
    LIST_PRICE = strawberry.enum_value("list_price", description="The maker's list price.")
    CHEAPEST_OFFER = strawberry.enum_value(
        "cheapest_offer",
        description="No list price from the maker: the offer in force that costs least for "
        "the workload.",
    )


@strawberry.type(description="What the workload costs on one model, part by part.")
class CostEstimate:
    model: str = strawberry.field(description="Slug of the model priced.")
    state: FactState = strawberry.field(
        description="KNOWN when every part of the workload could be priced; UNKNOWN when a "
        "price is missing (see `missing`)."
    )
    display: str = strawberry.field(description="The total as the page prints it.")
    currency: str | None = strawberry.field(description="ISO 4217 code of the amounts.")
    total: Decimal | None = strawberry.field(
        description="The workload's cost: the sum of the parts; null unless KNOWN."
    )
    input_cost: Decimal | None = strawberry.field(
        description="Input tokens × input price per 1M ÷ 1M; null when that price is missing."
    )
    output_cost: Decimal | None = strawberry.field(
        description="Output tokens × output price per 1M ÷ 1M; null when that price is missing."
    )
    cached_input_cost: Decimal | None = strawberry.field(
        description="Cached input tokens × cached input price per 1M ÷ 1M; null when that "
        "price is missing."
    )
    price: PriceType | None = strawberry.field(description="The price the estimate used.")
    missing: list[str] = strawberry.field(description="Prices the estimate lacked.")
    basis: CostBasis | None = strawberry.field(
        description="What priced the estimate; null when nothing could."
    )
    offer: OfferType | None = strawberry.field(
        description="The offer the estimate used (basis CHEAPEST_OFFER)."
    )
    note: str | None = strawberry.field(
        description="Says how the estimate was priced when it is not the maker's list price."
    )


@strawberry.type(
    description="Models side by side: a table by section, the tasks they share, whether a "
    "live-demo comparison is possible and, given a workload, what it costs on each."
)
class Comparison:
    models: list[ModelType] = strawberry.field(
        description="The models compared, in the order asked (aliases resolved)."
    )
    as_of: date = strawberry.field(description="The date prices were taken at.")
    sections: list[ComparisonSection] = strawberry.field(
        description="The comparison table, section by section."
    )
    shared_tasks: list[TaskType] = strawberry.field(description="Tasks every model handles.")
    partial_tasks: list[TaskCoverage] = strawberry.field(description="Tasks only some handle.")
    demo: DemoVerdict = strawberry.field(description="Whether a live-demo comparison works.")
    costs: list[CostEstimate] = strawberry.field(description="Empty without a workload.")


def _cell(cell: logic.Cell) -> ComparisonCell:
    return ComparisonCell(
        model=cell.model,
        display=cell.display,
        state=vocab.FACT_STATES[cell.state],
        value=cell.value,
    )


def _row(row: logic.Row) -> ComparisonRow:
    return ComparisonRow(
        key=row.key,
        label=row.label,
        group=row.group,
        cells=[_cell(c) for c in row.cells],
        differs=row.differs,
        better=Better(row.better) if row.better else None,
        leaders=row.leaders,
    )


def _cost(estimate: logic.CostEstimate) -> CostEstimate:
    return CostEstimate(
        model=estimate.model,
        state=vocab.FACT_STATES[estimate.state],
        display=estimate.display,
        currency=estimate.currency,
        total=display.plain(estimate.total),
        input_cost=display.plain(estimate.input_cost),
        output_cost=display.plain(estimate.output_cost),
        cached_input_cost=display.plain(estimate.cached_input_cost),
        price=PriceType(row=estimate.price, variant=None) if estimate.price else None,
        missing=estimate.missing,
        basis=CostBasis(estimate.basis) if estimate.basis else None,
        offer=OfferType(row=estimate.offer) if estimate.offer else None,
        note=estimate.note,
    )


def from_logic(result: logic.Comparison) -> Comparison:
    return Comparison(
        models=[ModelType(row=d.model) for d in result.models],
        as_of=result.as_of,
        sections=[
            ComparisonSection(key=s.key, title=s.title, rows=[_row(r) for r in s.rows])
            for s in result.sections
        ],
        shared_tasks=[TaskType(row=t) for t in result.shared_tasks],
        partial_tasks=[
            TaskCoverage(task=TaskType(row=c.task), models=c.models) for c in result.partial_tasks
        ],
        demo=DemoVerdict(
            available=result.demo.available,
            shared_tasks=[TaskType(row=t) for t in result.demo.shared_tasks],
            minimum_shared_tasks=result.demo.minimum,
            reason=result.demo.reason,
        ),
        costs=[_cost(c) for c in result.costs],
    )
