"""The comparison: table sections of rows of cells, shared tasks, demo verdict and costs."""

from datetime import date
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from service import display
from service.catalog import compare as logic
from service.graphql.types.catalog import TaskType
from service.graphql.types.common import FactState
from service.graphql.types.model import ModelType, OfferType, PriceType
from service.models import base as vocab


@strawberry.enum(description="Which way a row is ordered when it names leaders.")
class Better(Enum):
    HIGHER = "higher"
    LOWER = "lower"


@strawberry.type
class ComparisonCell:
    model: str = strawberry.field(description="Slug of the model this cell is about.")
    display: str = strawberry.field(description="The value as the page prints it.")
    state: FactState
    value: JSON | None = strawberry.field(description="The typed value (number, text, object).")


@strawberry.type
class ComparisonRow:
    key: str = strawberry.field(description="Stable key, e.g. 'context_window' or 'task:ocr'.")
    label: str
    group: str | None = strawberry.field(description="Sub-heading within the section.")
    cells: list[ComparisonCell]
    differs: bool = strawberry.field(description="Whether the models' cells differ.")
    better: Better | None = strawberry.field(description="Set where the row has an order.")
    leaders: list[str] = strawberry.field(
        description="Slugs of the models ahead on this row (cheaper, longer context, newer, "
        "more tasks); empty when there is no order, too few known values, or a tie."
    )


@strawberry.type
class ComparisonSection:
    key: str
    title: str
    rows: list[ComparisonRow]


@strawberry.type
class TaskCoverage:
    task: TaskType
    models: list[str] = strawberry.field(description="Slugs of the models that handle the task.")


@strawberry.type
class DemoVerdict:
    available: bool
    shared_tasks: list[TaskType] = strawberry.field(description="Tasks all models can demo live.")
    minimum_shared_tasks: int
    reason: str


@strawberry.enum(description="What a cost estimate was priced at.")
class CostBasis(Enum):
    LIST_PRICE = strawberry.enum_value("list_price", description="The maker's list price.")
    CHEAPEST_OFFER = strawberry.enum_value(
        "cheapest_offer",
        description="No list price from the maker: the offer in force that costs least for "
        "the workload.",
    )


@strawberry.type
class CostEstimate:
    model: str
    state: FactState
    display: str
    currency: str | None
    total: Decimal | None
    input_cost: Decimal | None
    output_cost: Decimal | None
    cached_input_cost: Decimal | None
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


@strawberry.input(description="A workload to price: token counts, each 0 or more.")
class WorkloadInput:
    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0


@strawberry.type
class Comparison:
    models: list[ModelType]
    as_of: date = strawberry.field(description="The date prices were taken at.")
    sections: list[ComparisonSection]
    shared_tasks: list[TaskType] = strawberry.field(description="Tasks every model handles.")
    partial_tasks: list[TaskCoverage] = strawberry.field(description="Tasks only some handle.")
    demo: DemoVerdict
    costs: list[CostEstimate] = strawberry.field(description="Empty without a workload.")


def _cell(cell: logic.Cell) -> ComparisonCell:
    return ComparisonCell(
        model=cell.model, display=cell.display, state=vocab.FactState(cell.state), value=cell.value
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
        state=vocab.FactState(estimate.state),
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
