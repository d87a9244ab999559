"""Comparison logic over loaded data: rows, differences, leaders, shared tasks, demo verdict, costs.

Pure functions: no SQL here. The GraphQL layer loads the data set-based and hands it over.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from service import display
from service.catalog.reads import CapabilityRow, LineageRow, price_in_force
from service.models import Collection, License, Model, ModelVariant, Organization, Price, Task
from service.models.base import Relation, Support

Better = Literal["higher", "lower"]
NO_DEMO_REASON = "These models don't share enough common tasks for a side-by-side demo."
MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class ModelData:
    """Everything a comparison needs of one model."""

    model: Model
    organization: Organization | None
    license: License | None
    variants: Sequence[ModelVariant]
    prices: Sequence[Price]
    capabilities: Sequence[CapabilityRow]
    collections: Sequence[Collection]
    lineage: Sequence[LineageRow]


@dataclass(frozen=True)
class Cell:
    model: str
    display: str
    state: str
    value: Any = None
    # What the leader rule orders by, when the row has an order.
    rank: Any = None


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: list[Cell]
    better: Better | None = None
    group: str | None = None

    @property
    def differs(self) -> bool:
        return len({(c.state, c.display) for c in self.cells}) > 1

    @property
    def leaders(self) -> list[str]:
        """Models ahead on this row: needs an order, two known values, and not all equal."""
        ranked = [c for c in self.cells if c.state == "known" and c.rank is not None]
        if self.better is None or len(ranked) < 2:
            return []
        pick = max if self.better == "higher" else min
        best = pick(c.rank for c in ranked)
        if all(c.rank == best for c in ranked):
            return []
        return [c.model for c in ranked if c.rank == best]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class Workload:
    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0


@dataclass(frozen=True)
class CostEstimate:
    model: str
    state: str
    display: str
    currency: str | None = None
    total: Decimal | None = None
    input_cost: Decimal | None = None
    output_cost: Decimal | None = None
    cached_input_cost: Decimal | None = None
    price: Price | None = None
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TaskCoverage:
    task: Task
    models: list[str]


@dataclass(frozen=True)
class DemoVerdict:
    available: bool
    shared_tasks: list[Task]
    minimum: int
    reason: str


@dataclass(frozen=True)
class Comparison:
    models: list[ModelData]
    as_of: date
    sections: list[Section]
    shared_tasks: list[Task]
    partial_tasks: list[TaskCoverage]
    demo: DemoVerdict
    costs: list[CostEstimate]


def compare(
    data: Sequence[ModelData],
    *,
    as_of: date,
    min_shared_demo_tasks: int,
    workload: Workload | None = None,
) -> Comparison:
    costs = [estimate_cost(d, workload, as_of) for d in data] if workload else []
    sections = [
        Section("overview", "Overview", _overview_rows(data)),
        Section("pricing", "Pricing per 1M tokens", _pricing_rows(data, as_of, costs)),
        Section("tasks", "Vision tasks", _task_rows(data)),
        Section("features", "Model features", _feature_rows(data)),
        Section("family", "Variants and lineage", _family_rows(data)),
    ]
    shared, partial = _task_coverage(data)
    return Comparison(
        models=list(data),
        as_of=as_of,
        sections=[s for s in sections if s.rows],
        shared_tasks=shared,
        partial_tasks=partial,
        demo=_demo_verdict(data, min_shared_demo_tasks),
        costs=costs,
    )


def _row(
    key: str,
    label: str,
    data: Sequence[ModelData],
    cell: Callable[[ModelData], tuple[str, str, Any, Any]],
    better: Better | None = None,
    group: str | None = None,
) -> Row:
    cells = []
    for d in data:
        shown, state, value, rank = cell(d)
        cells.append(Cell(d.model.slug, shown, state, value, rank))
    return Row(key, label, cells, better, group)


def _known(shown: str, value: Any, rank: Any = None) -> tuple[str, str, Any, Any]:
    return shown, "known", value, rank


def _missing(state: str = "unknown") -> tuple[str, str, Any, Any]:
    return display.missing(state), state, None, None


def _modality(d: ModelData) -> tuple[str, str, Any, Any]:
    m = d.model
    if m.input_modalities is None and m.output_modalities is None:
        return _missing()
    kinds = sorted(set(m.input_modalities or []) | set(m.output_modalities or []))
    return _known("multimodal" if len(kinds) > 1 else kinds[0], kinds)


def _modalities(values: list[str] | None) -> tuple[str, str, Any, Any]:
    return _known(", ".join(values), values) if values else _missing()


COMMERCIAL_USE = {
    "allowed": "Allowed",
    "conditional": "Allowed with conditions",
    "not_allowed": "Not allowed",
}


def _overview_rows(data: Sequence[ModelData]) -> list[Row]:
    def organization(d: ModelData) -> tuple[str, str, Any, Any]:
        org = d.organization
        return _known(org.name, org.slug) if org else _missing()

    def category(d: ModelData) -> tuple[str, str, Any, Any]:
        return _known(d.model.category, d.model.category) if d.model.category else _missing()

    def open_weights(d: ModelData) -> tuple[str, str, Any, Any]:
        flag = d.model.open_weights
        return _missing() if flag is None else _known("Yes" if flag else "No", flag)

    def released(d: ModelData) -> tuple[str, str, Any, Any]:
        m = d.model
        if m.release_date is None or m.release_date_precision is None:
            return _missing()
        value = {"date": m.release_date.isoformat(), "precision": m.release_date_precision}
        return _known(
            display.release(m.release_date, m.release_date_precision), value, m.release_date
        )

    def context(d: ModelData) -> tuple[str, str, Any, Any]:
        m = d.model
        if m.context_window is None:
            return _missing(m.context_window_state)
        return _known(display.tokens(m.context_window), m.context_window, m.context_window)

    def params(d: ModelData) -> tuple[str, str, Any, Any]:
        m = d.model
        if m.parameter_count is None:
            return _missing(m.parameters_state)
        shown = display.parameters(m.parameter_count)
        if m.parameters_state == "estimated":
            shown = f"~{shown} (estimated)"
        return _known(shown, m.parameter_count)

    def license_kind(d: ModelData) -> tuple[str, str, Any, Any]:
        lic = d.license
        return _known(display.label(lic.kind), lic.kind) if lic else _missing()

    def license_name(d: ModelData) -> tuple[str, str, Any, Any]:
        lic = d.license
        return _known(lic.name, lic.slug) if lic else _missing()

    def commercial(d: ModelData) -> tuple[str, str, Any, Any]:
        lic = d.license
        if lic is None or lic.commercial_use not in COMMERCIAL_USE:
            return _missing()
        shown = COMMERCIAL_USE[lic.commercial_use]
        if lic.commercial_terms:
            shown = f"{shown}: {lic.commercial_terms}"
        return _known(shown, lic.commercial_use)

    def status(d: ModelData) -> tuple[str, str, Any, Any]:
        return _known(display.label(d.model.status), d.model.status)

    return [
        _row("organization", "Organization", data, organization),
        _row("category", "Category", data, category),
        _row("open_weights", "Open weights", data, open_weights),
        _row("modality", "Modality", data, _modality),
        _row("input_modalities", "Input", data, lambda d: _modalities(d.model.input_modalities)),
        _row("output_modalities", "Output", data, lambda d: _modalities(d.model.output_modalities)),
        _row("release_date", "Release Date", data, released, better="higher"),
        _row("context_window", "Context Window", data, context, better="higher"),
        _row("parameters", "Parameters", data, params),
        _row("license", "License", data, license_kind),
        _row("license_name", "License name", data, license_name),
        _row("commercial_use", "Commercial use", data, commercial),
        _row("status", "Status", data, status),
    ]


def _pricing_rows(
    data: Sequence[ModelData], as_of: date, costs: Sequence[CostEstimate]
) -> list[Row]:
    def price_cell(attribute: str) -> Callable[[ModelData], tuple[str, str, Any, Any]]:
        def cell(d: ModelData) -> tuple[str, str, Any, Any]:
            price = price_in_force(d.prices, as_of)
            amount = getattr(price, attribute) if price else None
            if price is None or amount is None:
                return _missing()
            value = {"amount": str(display.plain(amount)), "currency": price.currency}
            return _known(display.money(amount, price.currency), value, (price.currency, amount))

        return cell

    rows = [
        _row("input_price", "Input $/1M", data, price_cell("input_per_mtok"), "lower"),
        _row("output_price", "Output $/1M", data, price_cell("output_per_mtok"), "lower"),
        _row(
            "cached_input_price",
            "Cached input $/1M",
            data,
            price_cell("cached_input_per_mtok"),
            "lower",
        ),
    ]
    if costs:
        by_model = {c.model: c for c in costs}

        def cost(d: ModelData) -> tuple[str, str, Any, Any]:
            estimate = by_model[d.model.slug]
            if estimate.total is None:
                return estimate.display, estimate.state, None, None
            value = {"amount": str(display.plain(estimate.total)), "currency": estimate.currency}
            return _known(estimate.display, value, (estimate.currency, estimate.total))

        rows.append(_row("estimated_cost", "Estimated cost", data, cost, "lower"))
    return rows


SUPPORT_LABEL = {
    Support.OUT_OF_THE_BOX: "Supported",
    Support.AFTER_FINE_TUNING: "After fine-tuning",
    Support.VIA_MIX_CHECKPOINT: "Via Mix checkpoint",
    Support.UNKNOWN: "Supported",
}


def _all_tasks(data: Sequence[ModelData]) -> list[Task]:
    tasks = {row.task.id: row.task for d in data for row in d.capabilities}
    return sorted(tasks.values(), key=lambda t: (t.sort_order, t.slug))


def _task_rows(data: Sequence[ModelData]) -> list[Row]:
    def task_cell(task: Task) -> Callable[[ModelData], tuple[str, str, Any, Any]]:
        def cell(d: ModelData) -> tuple[str, str, Any, Any]:
            row = next((r for r in d.capabilities if r.task.id == task.id), None)
            if row is None:
                return _missing()
            cap = row.capability
            shown = "Demo" if cap.has_demo else SUPPORT_LABEL[Support(cap.support)]
            return _known(shown, {"support": cap.support, "demo": cap.has_demo})

        return cell

    rows = [
        _row(f"task:{task.slug}", task.name, data, task_cell(task), group=task.task_group)
        for task in _all_tasks(data)
    ]

    def count(only_demo: bool) -> Callable[[ModelData], tuple[str, str, Any, Any]]:
        def cell(d: ModelData) -> tuple[str, str, Any, Any]:
            if not d.capabilities:
                return _missing()  # no task on record says nothing about how many it handles
            n = sum(1 for r in d.capabilities if r.capability.has_demo or not only_demo)
            return _known(str(n), n, n)

        return cell

    if rows:
        rows.append(_row("tasks_supported", "Tasks supported", data, count(False), "higher"))
        rows.append(_row("demo_tasks", "Tasks with a live demo", data, count(True), "higher"))
    return rows


def _feature_rows(data: Sequence[ModelData]) -> list[Row]:
    collections = {c.id: c for d in data for c in d.collections}
    ordered = sorted(collections.values(), key=lambda c: (c.sort_order, c.slug))

    def member(collection: Collection) -> Callable[[ModelData], tuple[str, str, Any, Any]]:
        def cell(d: ModelData) -> tuple[str, str, Any, Any]:
            if any(c.id == collection.id for c in d.collections):
                return _known("Yes", True)
            return _missing()

        return cell

    return [
        _row(f"collection:{c.slug}", c.name, data, member(c), group="Model Features")
        for c in ordered
    ]


def _family_rows(data: Sequence[ModelData]) -> list[Row]:
    def variants(d: ModelData) -> tuple[str, str, Any, Any]:
        if not d.variants:
            return _missing()
        return _known(", ".join(v.name for v in d.variants), [v.slug for v in d.variants])

    def linked(
        relation: Relation, incoming: bool
    ) -> Callable[[ModelData], tuple[str, str, Any, Any]]:
        def cell(d: ModelData) -> tuple[str, str, Any, Any]:
            links = [r for r in d.lineage if r.link.relation == relation and r.incoming == incoming]
            if not links:
                return _missing()
            names = [
                f"{r.other.name} ({r.link.role})" if r.link.role else r.other.name for r in links
            ]
            return _known(", ".join(names), [r.other.slug for r in links])

        return cell

    rows = [
        _row("variants", "Variants", data, variants),
        _row("predecessor", "Predecessor", data, linked(Relation.SUCCEEDS, incoming=False)),
        _row("successor", "Successor", data, linked(Relation.SUCCEEDS, incoming=True)),
        _row("built_from", "Built from", data, linked(Relation.BUILT_FROM, incoming=False)),
        _row("inspired_by", "Inspired by", data, linked(Relation.INSPIRED_BY, incoming=False)),
    ]
    return [r for r in rows if any(c.state == "known" for c in r.cells)]


def _task_coverage(data: Sequence[ModelData]) -> tuple[list[Task], list[TaskCoverage]]:
    shared, partial = [], []
    for task in _all_tasks(data):
        having = [d.model.slug for d in data if any(r.task.id == task.id for r in d.capabilities)]
        if len(having) == len(data):
            shared.append(task)
        else:
            partial.append(TaskCoverage(task, having))
    return shared, partial


def _demo_verdict(data: Sequence[ModelData], minimum: int) -> DemoVerdict:
    demo_sets = [{r.task.id for r in d.capabilities if r.capability.has_demo} for d in data]
    common = set.intersection(*demo_sets) if demo_sets else set()
    shared = [t for t in _all_tasks(data) if t.id in common]
    if len(shared) >= minimum:
        names = ", ".join(t.name for t in shared)
        reason = f"These models share {len(shared)} demo task(s) for a side-by-side run: {names}."
        return DemoVerdict(True, shared, minimum, reason)
    return DemoVerdict(False, shared, minimum, NO_DEMO_REASON)


def estimate_cost(d: ModelData, workload: Workload, as_of: date) -> CostEstimate:
    """Cost of a workload at the model-level price in force on `as_of`."""
    slug = d.model.slug
    price = price_in_force(d.prices, as_of)
    if price is None:
        return CostEstimate(slug, "unknown", display.missing("unknown"), missing=["price"])
    parts = {
        "input": (workload.input_tokens, price.input_per_mtok),
        "output": (workload.output_tokens, price.output_per_mtok),
        "cached_input": (workload.cached_input_tokens, price.cached_input_per_mtok),
    }
    costs: dict[str, Decimal | None] = {}
    missing = []
    for name, (tokens, per_million) in parts.items():
        if tokens == 0:
            costs[name] = Decimal(0)
        elif per_million is None:
            costs[name] = None
            missing.append(f"{name} price")
        else:
            costs[name] = Decimal(tokens) * per_million / MILLION
    if missing:
        return CostEstimate(
            slug,
            "unknown",
            display.missing("unknown"),
            price.currency,
            price=price,
            missing=missing,
            **_part_costs(costs),
        )
    total = sum((c for c in costs.values() if c is not None), Decimal(0))
    return CostEstimate(
        slug,
        "known",
        display.money(total, price.currency),
        price.currency,
        total,
        price=price,
        **_part_costs(costs),
    )


def _part_costs(costs: dict[str, Decimal | None]) -> dict[str, Decimal | None]:
    return {
        "input_cost": costs["input"],
        "output_cost": costs["output"],
        "cached_input_cost": costs["cached_input"],
    }
