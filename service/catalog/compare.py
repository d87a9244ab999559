"""The comparison domain service: which models, their data, and the table built from it.

`compare_models` holds every rule of a comparison (2 to 10 models, named by slug or alias in
any case, each once; a workload of non-negative token counts) and loads what it needs through
a `CatalogReads` (set-based reads: a constant number of statements for any number of
models). The GraphQL resolver and `modelcat compare` are both thin doors onto it. The table
itself (rows, differences, leaders, shared tasks, demo verdict, costs) is built by pure
functions over the loaded data; a fact's state and text come from `service.display`.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal, Protocol, TypedDict

from sqlalchemy.ext.asyncio import AsyncSession

from service import display
from service.catalog import reads
from service.catalog.errors import UserInputError, closest_per_owner, did_you_mean
from service.catalog.reads import CapabilityRow, LineageRow, OfferRow, price_in_force
from service.models import Collection, License, Model, ModelVariant, Organization, Price, Task
from service.models.base import Relation, Support

Better = Literal["higher", "lower"]
NO_DEMO_REASON = "These models don't share enough common tasks for a side-by-side demo."
MILLION = Decimal(1_000_000)
MIN_COMPARED, MAX_COMPARED = 2, 10


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
    offers: Sequence[OfferRow] = ()  # in force on the comparison's date, cheapest input first


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
    # What priced it: "list_price" (the maker's), "cheapest_offer" (no list price: the offer
    # that costs least for the workload), None when nothing could.
    basis: str | None = None
    offer: OfferRow | None = None
    note: str | None = None


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
        Section("where", "Where to run it", _where_rows(data, as_of)),
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


def _fact(shown: display.Shown, value: Any, rank: Any = None) -> tuple[str, str, Any, Any]:
    """A cell from the one builder of a fact's state and text (shared with the Model type)."""
    if shown.state != "known":
        return shown.display, shown.state, None, None
    return shown.display, shown.state, value, rank


def _modality(d: ModelData) -> tuple[str, str, Any, Any]:
    m = d.model
    if m.input_modalities is None and m.output_modalities is None:
        return _missing()
    kinds = sorted(set(m.input_modalities or []) | set(m.output_modalities or []))
    return _known("multimodal" if len(kinds) > 1 else kinds[0], kinds)


def _modalities(values: Sequence[str] | None) -> tuple[str, str, Any, Any]:
    return _fact(display.modalities_fact(values), values)


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
        return _fact(display.text_fact(d.model.category), d.model.category)

    def open_weights(d: ModelData) -> tuple[str, str, Any, Any]:
        return _fact(display.yes_no_fact(d.model.open_weights), d.model.open_weights)

    def released(d: ModelData) -> tuple[str, str, Any, Any]:
        m = d.model
        shown = display.release_fact(m.release_date, m.release_date_precision)
        if m.release_date is None:
            return _fact(shown, None)
        value = {"date": m.release_date.isoformat(), "precision": m.release_date_precision}
        return _fact(shown, value, m.release_date)

    def context(d: ModelData) -> tuple[str, str, Any, Any]:
        m = d.model
        shown = display.context_window_fact(m.context_window, m.context_window_state)
        return _fact(shown, m.context_window, m.context_window)

    def params(d: ModelData) -> tuple[str, str, Any, Any]:
        m = d.model
        shown = display.parameters_fact(m.parameter_count, m.parameters_state)
        return _fact(shown, m.parameter_count)

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


def _per_million(input_price: Any, output_price: Any, currency: str) -> str:
    def shown(amount: Any) -> str:
        return display.money(amount, currency) if amount is not None else "—"

    return f"{shown(input_price)} in / {shown(output_price)} out"


def _where_rows(data: Sequence[ModelData], as_of: date) -> list[Row]:
    """Providers, the cheapest offer and the maker's list price; shown when any compared model
    has an offer in force (otherwise the pricing section already says all there is)."""
    if not any(d.offers for d in data):
        return []

    def providers(d: ModelData) -> tuple[str, str, Any, Any]:
        names: dict[str, str] = {}
        for row in d.offers:
            names.setdefault(row.provider_slug, row.provider_name)
        if not names:
            return "No offer on record", "unknown", None, None
        return _known(", ".join(names.values()), list(names), len(names))

    def cheapest(d: ModelData) -> tuple[str, str, Any, Any]:
        priced = [r for r in d.offers if r.offer.input_per_mtok is not None]
        if not priced:
            return _missing()
        row = priced[0]  # offers come cheapest input first
        offer = row.offer
        value = {
            "provider": row.provider_slug,
            "route": offer.route,
            "currency": offer.currency,
            "input": str(display.plain(offer.input_per_mtok)),
            "output": str(display.plain(offer.output_per_mtok))
            if offer.output_per_mtok is not None
            else None,
        }
        shown = f"{_per_million(offer.input_per_mtok, offer.output_per_mtok, offer.currency)}"
        return _known(
            f"{shown} at {row.provider_name}", value, (offer.currency, offer.input_per_mtok)
        )

    def list_price(d: ModelData) -> tuple[str, str, Any, Any]:
        price = price_in_force(d.prices, as_of)
        if price is None or (price.input_per_mtok is None and price.output_per_mtok is None):
            return _missing()
        value = {
            "currency": price.currency,
            "input": str(display.plain(price.input_per_mtok))
            if price.input_per_mtok is not None
            else None,
            "output": str(display.plain(price.output_per_mtok))
            if price.output_per_mtok is not None
            else None,
        }
        shown = _per_million(price.input_per_mtok, price.output_per_mtok, price.currency)
        return _known(shown, value)

    return [
        _row("providers", "Providers", data, providers),
        _row("cheapest_offer", "Cheapest offer per 1M", data, cheapest, "lower"),
        _row("list_price", "Maker's list price per 1M", data, list_price),
    ]


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


def _priced(
    workload: Workload, prices: tuple[Decimal | None, Decimal | None, Decimal | None]
) -> tuple[dict[str, Decimal | None], list[str]]:
    """Each part's cost of a workload at per-1M prices, and the prices it lacked."""
    parts = zip(
        ("input", "output", "cached_input"),
        (workload.input_tokens, workload.output_tokens, workload.cached_input_tokens),
        prices,
        strict=True,
    )
    costs: dict[str, Decimal | None] = {}
    missing = []
    for name, tokens, per_million in parts:
        if tokens == 0:
            costs[name] = Decimal(0)
        elif per_million is None:
            costs[name] = None
            missing.append(f"{name} price")
        else:
            costs[name] = Decimal(tokens) * per_million / MILLION
    return costs, missing


def _total(costs: dict[str, Decimal | None]) -> Decimal:
    return sum((c for c in costs.values() if c is not None), Decimal(0))


def _cheapest_offer_cost(
    d: ModelData, workload: Workload
) -> tuple[OfferRow, dict[str, Decimal | None]] | None:
    """The offer that costs least for the workload, among those pricing every part it needs
    (amounts compared within one currency: the first priced offer's)."""
    best: tuple[OfferRow, dict[str, Decimal | None]] | None = None
    for row in d.offers:
        offer = row.offer
        prices = (offer.input_per_mtok, offer.output_per_mtok, offer.cached_input_per_mtok)
        costs, missing = _priced(workload, prices)
        if missing or (best is not None and offer.currency != best[0].offer.currency):
            continue
        if best is None or _total(costs) < _total(best[1]):
            best = (row, costs)
    return best


def estimate_cost(d: ModelData, workload: Workload, as_of: date) -> CostEstimate:
    """Cost of a workload at the maker's model-level list price in force on `as_of`; without
    a list price, at the cheapest offer in force that prices the whole workload, saying so."""
    slug = d.model.slug
    price = price_in_force(d.prices, as_of)
    if price is None:
        found = _cheapest_offer_cost(d, workload)
        if found is None:
            note = (
                "No list price from the maker, and no offer prices the whole workload."
                if d.offers
                else None
            )
            return CostEstimate(
                slug, "unknown", display.missing("unknown"), missing=["price"], note=note
            )
        row, costs = found
        total = _total(costs)
        note = (
            f"No list price from the maker: priced at the cheapest offer, "
            f"{row.provider_name} ({row.offer.route})."
        )
        shown = f"{display.money(total, row.offer.currency)} (cheapest offer: {row.provider_name})"
        return CostEstimate(
            slug,
            "known",
            shown,
            row.offer.currency,
            total,
            basis="cheapest_offer",
            offer=row,
            note=note,
            **_part_costs(costs),
        )
    costs, missing = _priced(
        workload, (price.input_per_mtok, price.output_per_mtok, price.cached_input_per_mtok)
    )
    if missing:
        return CostEstimate(
            slug,
            "unknown",
            display.missing("unknown"),
            price.currency,
            price=price,
            missing=missing,
            basis="list_price",
            **_part_costs(costs),
        )
    total = _total(costs)
    return CostEstimate(
        slug,
        "known",
        display.money(total, price.currency),
        price.currency,
        total,
        price=price,
        basis="list_price",
        **_part_costs(costs),
    )


class _PartCosts(TypedDict):
    input_cost: Decimal | None
    output_cost: Decimal | None
    cached_input_cost: Decimal | None


def _part_costs(costs: dict[str, Decimal | None]) -> _PartCosts:
    return {
        "input_cost": costs["input"],
        "output_cost": costs["output"],
        "cached_input_cost": costs["cached_input"],
    }


@dataclass(frozen=True)
class LoadedData:
    """What a comparison reads of its models, each aligned with the keys it was asked for:
    organizations and licenses by id, the rest by model id (offers in force on one day)."""

    organizations: Sequence[Organization | None]
    licenses: Sequence[License | None]
    variants: Sequence[Sequence[ModelVariant]]
    prices: Sequence[Sequence[Price]]
    capabilities: Sequence[Sequence[CapabilityRow]]
    collections: Sequence[Sequence[Collection]]
    lineage: Sequence[Sequence[LineageRow]]
    offers: Sequence[Sequence[OfferRow]]


def data_reads(ids: Sequence[int], on: date) -> list[tuple[reads.SetRead[Any, Any], Sequence[Any]]]:
    """The set reads of the models' own data, in `LoadedData`'s order (after the
    organizations and licenses): sent together, one round trip."""
    return [
        (reads.variants_by_model, ids),
        (reads.prices_by_model, ids),
        (reads.capabilities_by_model, ids),
        (reads.collections_by_model, ids),
        (reads.lineage_by_model, ids),
        (reads.offers_by_model, [(model_id, on) for model_id in ids]),
    ]


class CatalogReads(Protocol):
    """The set-based reads a comparison needs: a constant number of statements for any number
    of models (the data of the models in one round trip)."""

    async def model_ids(self, names: Sequence[str]) -> dict[str, int]: ...
    async def all_names(self) -> list[tuple[str, int]]: ...
    async def models(self, ids: Sequence[int]) -> Sequence[Model | None]: ...
    async def model_data(
        self,
        ids: Sequence[int],
        organization_ids: Sequence[int],
        license_ids: Sequence[int],
        on: date,
    ) -> LoadedData: ...


class SessionReads:
    """CatalogReads straight on one session (the CLI's door)."""

    def __init__(self, session: AsyncSession):
        self.session = session

    async def model_ids(self, names: Sequence[str]) -> dict[str, int]:
        return await reads.names_to_ids(self.session, names)

    async def all_names(self) -> list[tuple[str, int]]:
        return await reads.all_names(self.session)

    async def models(self, ids: Sequence[int]) -> Sequence[Model | None]:
        return await reads.models_by_id(self.session, ids)

    async def model_data(
        self,
        ids: Sequence[int],
        organization_ids: Sequence[int],
        license_ids: Sequence[int],
        on: date,
    ) -> LoadedData:
        calls: list[tuple[reads.SetRead[Any, Any], Sequence[Any]]] = [
            (reads.organizations_by_id, organization_ids),
            (reads.licenses_by_id, license_ids),
            *data_reads(ids, on),
        ]
        return LoadedData(*await reads.fetch_together(self.session, calls))


async def find_models(source: CatalogReads, names: Sequence[str]) -> list[Model]:
    """Models by slug or alias, any case; unknown names answer with suggestions."""
    ids = await source.model_ids(names)
    unknown = [name for name in names if name.lower() not in ids]
    if unknown:
        # One suggestion per model: a model's slug and aliases all point at it.
        owners = {known.lower(): model_id for known, model_id in await source.all_names()}
        close = {name: closest_per_owner(name, owners) for name in unknown}
        details = "; ".join(
            f"unknown model {name!r}{did_you_mean(close[name])}" for name in unknown
        )
        error = UserInputError(details, "models" if len(names) > 1 else "slug", "NOT_FOUND")
        error.extensions["unknown"] = unknown
        error.extensions["suggestions"] = close
        raise error
    rows = await source.models([ids[name.lower()] for name in names])
    return [row for row in rows if row is not None]


def check_count(names: Sequence[str]) -> None:
    if not MIN_COMPARED <= len(names) <= MAX_COMPARED:
        raise UserInputError(
            f"compare takes {MIN_COMPARED} to {MAX_COMPARED} models (got {len(names)})", "models"
        )


def refuse_duplicates(names: Sequence[str], rows: Sequence[Model]) -> None:
    seen: dict[int, str] = {}
    for name, row in zip(names, rows, strict=True):
        if row.id in seen:
            raise UserInputError(
                f"{seen[row.id]!r} and {name!r} are the same model ({row.slug}); "
                "list each model once",
                "models",
            )
        seen[row.id] = name


def workload_of(counts: Mapping[str, int] | None) -> Workload | None:
    """A workload from token counts by name; each must be 0 or more."""
    if counts is None:
        return None
    negative = [name for name, value in counts.items() if value < 0]
    if negative:
        raise UserInputError(f"workload token counts must be 0 or more ({negative[0]})", "workload")
    return Workload(**counts)


async def load(source: CatalogReads, models: Sequence[Model], on: date) -> list[ModelData]:
    """Everything a comparison needs of the models, one statement per kind of data."""
    ids = [m.id for m in models]
    org_ids = [m.organization_id for m in models if m.organization_id is not None]
    license_ids = [m.license_id for m in models if m.license_id is not None]
    data = await source.model_data(ids, org_ids, license_ids, on)
    orgs = {o.id: o for o in data.organizations if o is not None}
    licenses = {lic.id: lic for lic in data.licenses if lic is not None}
    return [
        ModelData(
            model=m,
            organization=orgs.get(m.organization_id) if m.organization_id else None,
            license=licenses.get(m.license_id) if m.license_id else None,
            variants=data.variants[i],
            prices=data.prices[i],
            capabilities=data.capabilities[i],
            collections=data.collections[i],
            lineage=data.lineage[i],
            offers=data.offers[i],
        )
        for i, m in enumerate(models)
    ]


async def compare_models(
    source: CatalogReads,
    names: Sequence[str],
    *,
    as_of: date,
    min_shared_demo_tasks: int,
    workload: Mapping[str, int] | None = None,
) -> Comparison:
    """Compare 2 to 10 models named by slug or alias: the whole service, for every door."""
    check_count(names)
    rows = await find_models(source, names)
    refuse_duplicates(names, rows)
    checked = workload_of(workload)
    data = await load(source, rows, as_of)
    return compare(data, as_of=as_of, min_shared_demo_tasks=min_shared_demo_tasks, workload=checked)
