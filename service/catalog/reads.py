"""Set-based reads for the API: each function is one SQL statement, whatever the number of keys.

The GraphQL layer calls these from per-request DataLoaders, so a page of models or a
comparison costs a small, constant number of statements.
"""

from collections import defaultdict, namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    and_,
    any_,
    bindparam,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy import cast as cast_
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalog import lookup
from service.catalog.errors import UserInputError, closest, did_you_mean
from service.catalog.offers import offer_in_force
from service.db import IdArray, Prepared, Query, fetch, fetch_many, prepare
from service.models import (
    Capability,
    Collection,
    CollectionMember,
    FactClaim,
    FactConflict,
    License,
    Model,
    ModelAlias,
    ModelCitation,
    ModelLineage,
    ModelVariant,
    Offer,
    Organization,
    Price,
    Source,
    Task,
)

K = TypeVar("K")
T = TypeVar("T")
V = TypeVar("V")


@dataclass(frozen=True)
class CapabilityRow:
    capability: Capability
    task: Task


@dataclass(frozen=True)
class LineageRow:
    """One lineage link seen from `model_id`: outgoing (model relation other) or incoming."""

    link: ModelLineage
    other: Model
    incoming: bool


@dataclass(frozen=True)
class OfferRow:
    """One provider's offer of a model, with the provider's slug and name."""

    offer: Offer
    provider_slug: str
    provider_name: str


def offer_key(row: OfferRow) -> tuple[int, Decimal, int, Decimal, str, str, int]:
    """The order of a model's offers: cheapest input first, then output, unpriced last, then
    the provider's name, the route, the offer's id (unique)."""
    offer = row.offer
    inputs, outputs = offer.input_per_mtok, offer.output_per_mtok
    return (
        int(inputs is None),
        inputs if inputs is not None else Decimal(0),
        int(outputs is None),
        outputs if outputs is not None else Decimal(0),
        row.provider_name,
        offer.route,
        offer.id,
    )


OFFER_KEY_KINDS = (int, Decimal, int, Decimal, str, str, int)


@dataclass(frozen=True)
class CitationRow:
    field: str
    quote: str | None
    source: Source
    value: str | None = None  # what an imported data set states
    external_id: str | None = None  # that data set's own name for the model


def _grouped(pairs: Sequence[tuple[K, V]], keys: Sequence[K]) -> list[list[V]]:
    groups: dict[K, list[V]] = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return [groups.get(key, []) for key in keys]


def _by_id(rows: Sequence[Any], keys: Sequence[int]) -> list[Any]:
    found = {row.id: row for row in rows}
    return [found.get(key) for key in keys]


# Statements are built once: building one (and an aliased() entity) per call cost more
# Python time than running it. The hot reads are compiled once more (`db.prepare`) and run as
# prepared statements on the request's driver connection (`db.fetch`): rows come back as
# tuples and are read into records (below). Each takes its keys as one array parameter,
# `ids` (`= ANY(:ids)`), so its SQL does not depend on how many keys there are.
_IDS = bindparam("ids", type_=ARRAY(Integer))
_NAMES_ARRAY = bindparam("names", type_=ARRAY(String))


def _unplanned(parameter: Any, kind: Any) -> Any:
    """A parameter the planner does not look into: `(SELECT :p)`, run once per execution.

    PostgreSQL plans a prepared statement anew at each execution (a custom plan, ~0.2-0.3 ms)
    when a plan made for its parameters' values looks cheaper than its generic plan: so it did
    for the read of models by name (the generic plan assumes ten names) and for the offers in
    force on a day. Behind a subquery the values are unknown to both plans, whose costs are
    then the same: the generic plan is kept (0.01 ms), and runs as fast."""
    return cast_(select(parameter).scalar_subquery(), kind)


def _record_type(table: Any) -> Any:
    """A read-only record with the attribute names of `table`'s rows.

    The hot reads return these, not ORM instances: a record has the mapped class's attribute
    names (every column attribute is named as its column) and is only read, so it stands in
    for the instance without identity-map bookkeeping. `rows_as` records that stand-in."""
    return namedtuple(f"{table.name}_record", [c.key for c in table.c])


def _any(column: Any) -> ColumnElement[bool]:
    return cast(ColumnElement[bool], column == any_(_IDS))


_MODEL_TABLE = Model.__table__
_MODEL_RECORD = _record_type(_MODEL_TABLE)
_ORGANIZATION_RECORD = _record_type(Organization.__table__)
_LICENSE_RECORD = _record_type(License.__table__)
_SOURCE_RECORD = _record_type(Source.__table__)
_TASK_RECORD = _record_type(Task.__table__)
_COLLECTION_RECORD = _record_type(Collection.__table__)
_VARIANT_RECORD = _record_type(ModelVariant.__table__)
_PRICE_RECORD = _record_type(Price.__table__)
_CAPABILITY_RECORD = _record_type(Capability.__table__)
_LINEAGE_RECORD = _record_type(ModelLineage.__table__)
_OFFER_RECORD = _record_type(Offer.__table__)
_MODEL_WIDTH = len(_MODEL_TABLE.c)
_ORGANIZATION_WIDTH = len(Organization.__table__.c)
_CAPABILITY_WIDTH = len(Capability.__table__.c)
_LINEAGE_WIDTH = len(ModelLineage.__table__.c)
_OFFER_WIDTH = len(Offer.__table__.c)

_MODELS = prepare(select(_MODEL_TABLE).where(_any(Model.id)))
_ORGANIZATIONS = prepare(select(Organization.__table__).where(_any(Organization.id)))
_LICENSES = prepare(select(License.__table__).where(_any(License.id)))
_SOURCES = prepare(select(Source.__table__).where(_any(Source.id)))
_TASKS = prepare(select(Task.__table__).where(_any(Task.id)))
_COLLECTIONS_BY_ID = prepare(select(Collection.__table__).where(_any(Collection.id)))
_ALIASES = prepare(
    select(ModelAlias.model_id, ModelAlias.alias)
    .where(_any(ModelAlias.model_id))
    .order_by(ModelAlias.alias)
)
_VARIANTS = prepare(
    select(ModelVariant.__table__)
    .where(_any(ModelVariant.model_id))
    .order_by(ModelVariant.sort_order, ModelVariant.id)
)
# A model's prices, oldest first (`prices_by_model`, and the listing's first page with them).
PRICE_ORDER = (Price.effective_from.asc().nullsfirst(), Price.id)
_PRICES = prepare(select(Price.__table__).where(_any(Price.model_id)).order_by(*PRICE_ORDER))
_CAPABILITIES = prepare(
    select(Capability.__table__, Task.__table__)
    .join(Task.__table__, Task.id == Capability.task_id)
    .where(_any(Capability.model_id))
    .order_by(Task.sort_order, Task.slug)
)
_COLLECTIONS = prepare(
    select(CollectionMember.model_id, Collection.__table__)
    .join(Collection.__table__, Collection.id == CollectionMember.collection_id)
    .where(_any(CollectionMember.model_id))
    .order_by(Collection.sort_order, Collection.slug)
)
_SUBJECT, _RELATED = _MODEL_TABLE.alias("subject"), _MODEL_TABLE.alias("related")
_LINEAGE = prepare(
    select(ModelLineage.__table__, _SUBJECT, _RELATED)
    .join(_SUBJECT, _SUBJECT.c.id == ModelLineage.model_id)
    .join(_RELATED, _RELATED.c.id == ModelLineage.related_model_id)
    .where(or_(_any(ModelLineage.model_id), _any(ModelLineage.related_model_id)))
    .order_by(ModelLineage.id)
)
_NAMES_UNPLANNED = _unplanned(_NAMES_ARRAY, ARRAY(String))
_NAMED = union_all(
    # An alias match comes after a slug match, so it wins as it does in names_to_ids.
    select(Model.slug.label("name"), Model.id.label("model_id"), literal(0).label("rank")).where(
        Model.slug == any_(_NAMES_UNPLANNED)
    ),
    select(
        func.lower(ModelAlias.alias).label("name"),
        ModelAlias.model_id.label("model_id"),
        literal(1).label("rank"),
    ).where(func.lower(ModelAlias.alias) == any_(_NAMES_UNPLANNED)),
).subquery("named")
_NAMES_TO_MODELS = prepare(
    select(
        _NAMED.c.name,
        *[c.label(f"m_{c.key}") for c in _MODEL_TABLE.c],
        *[c.label(f"o_{c.key}") for c in Organization.__table__.c],
        *[c.label(f"l_{c.key}") for c in License.__table__.c],
    )
    .select_from(
        _NAMED.join(_MODEL_TABLE, Model.id == _NAMED.c.model_id)
        .outerjoin(Organization.__table__, Organization.id == Model.organization_id)
        .outerjoin(License.__table__, License.id == Model.license_id)
    )
    .order_by(_NAMED.c.rank)
)


@dataclass(frozen=True)
class NamedModel:
    """A model found by one of its names, with its organization and license (or None)."""

    model: Model
    organization: Organization | None
    license: License | None


def _keys(ids: Sequence[int]) -> dict[str, list[int]]:
    return {"ids": IdArray(ids)}


async def names_to_ids(session: AsyncSession, names: Sequence[str]) -> dict[str, int]:
    """Lower-cased slug or alias -> model id, for the names that exist (service.catalog.lookup)."""
    return await lookup.names_to_ids_async(session, names)


async def names_to_models(session: AsyncSession, names: Sequence[str]) -> dict[str, NamedModel]:
    """Lower-cased slug or alias -> its model, organization and license: one statement for
    what `names_to_ids` then `models_by_id`, `organizations_by_id` and `licenses_by_id` read."""
    lowered = sorted({name.lower() for name in names})
    rows = await fetch(session, _NAMES_TO_MODELS, {"names": lowered})
    found: dict[str, NamedModel] = {}
    model_end = 1 + _MODEL_WIDTH
    organization_end = model_end + _ORGANIZATION_WIDTH
    for row in rows:
        organization = row[model_end:organization_end]
        license = row[organization_end:]
        found[row[0]] = NamedModel(
            model=_MODEL_RECORD._make(row[1:model_end]),
            organization=_ORGANIZATION_RECORD._make(organization)
            if organization[0] is not None
            else None,
            license=_LICENSE_RECORD._make(license) if license[0] is not None else None,
        )
    return found


async def all_names(session: AsyncSession) -> list[tuple[str, int]]:
    """Every slug and alias with its model's id, for suggestions when a name is unknown."""
    return await lookup.all_names_async(session)


def rows_as(cls: type[T], rows: Sequence[Any]) -> list[T]:
    """Core rows of `cls`'s table, read as instances of it (same attribute names, read-only)."""
    return cast(list[T], list(rows))


def model_records(rows: Sequence[tuple[Any, ...]]) -> list[Model]:
    """Rows that begin with a model's columns (in table order), read as model records."""
    return [_MODEL_RECORD._make(row[:_MODEL_WIDTH]) for row in rows]


MODEL_WIDTH = _MODEL_WIDTH
ORGANIZATION_WIDTH = _ORGANIZATION_WIDTH
PRICE_WIDTH = len(Price.__table__.c)


def model_record(columns: Sequence[Any]) -> Model:
    """A model's columns (in table order) as the record its reads answer."""
    return cast(Model, _MODEL_RECORD._make(columns))


def organization_record(columns: Sequence[Any]) -> Organization:
    """An organization's columns (in table order) as `organizations_by_id` answers it."""
    return cast(Organization, _ORGANIZATION_RECORD._make(columns))


def price_record(columns: Sequence[Any]) -> Price:
    """A price's columns (in table order) as `prices_by_model` answers it."""
    return cast(Price, _PRICE_RECORD._make(columns))


Rows = list[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class SetRead(Generic[K, V]):
    """A set-based read as its prepared statements and the answer made of their rows.

    Awaited on a session (`await read(session, keys)`) it runs alone; `fetch_together` runs
    several in one round trip, as the request's context does with the reads its DataLoaders
    dispatch at once (a comparison's or a model page's children of a model)."""

    queries: Callable[[Sequence[K]], list[Query]]
    answer: Callable[[Sequence[K], list[Rows]], list[V]]

    async def __call__(self, session: AsyncSession, keys: Sequence[K]) -> list[V]:
        return self.answer(keys, await fetch_many(session, self.queries(keys)))


async def fetch_together(
    session: AsyncSession, calls: Sequence[tuple[SetRead[Any, Any], Sequence[Any]]]
) -> list[list[Any]]:
    """Several set reads' statements in one round trip (`db.fetch_many`); each read's answer."""
    planned = [read.queries(keys) for read, keys in calls]
    results = await fetch_many(session, [query for queries in planned for query in queries])
    answers: list[list[Any]] = []
    at = 0
    for (read, keys), queries in zip(calls, planned, strict=True):
        answers.append(read.answer(keys, results[at : at + len(queries)]))
        at += len(queries)
    return answers


def _one_statement(statement: Prepared) -> Callable[[Sequence[int]], list[Query]]:
    def queries(ids: Sequence[int]) -> list[Query]:
        return [(statement, _keys(ids))]

    return queries


def _by_ids(statement: Prepared, record: Any) -> SetRead[int, Any]:
    """Rows of one table by id, None for an id not found."""

    def answer(ids: Sequence[int], results: list[Rows]) -> list[Any]:
        return _by_id([record._make(row) for row in results[0]], ids)

    return SetRead(_one_statement(statement), answer)


def _per_model(statement: Prepared, record: Any) -> SetRead[int, list[Any]]:
    """Rows of one table by their model_id, in the statement's order, per model."""

    def answer(ids: Sequence[int], results: list[Rows]) -> list[list[Any]]:
        rows = [record._make(row) for row in results[0]]
        return _grouped([(row.model_id, row) for row in rows], ids)

    return SetRead(_one_statement(statement), answer)


models_by_id: SetRead[int, Model | None] = _by_ids(_MODELS, _MODEL_RECORD)
organizations_by_id: SetRead[int, Organization | None] = _by_ids(
    _ORGANIZATIONS, _ORGANIZATION_RECORD
)
licenses_by_id: SetRead[int, License | None] = _by_ids(_LICENSES, _LICENSE_RECORD)
sources_by_id: SetRead[int, Source | None] = _by_ids(_SOURCES, _SOURCE_RECORD)
tasks_by_id: SetRead[int, Task | None] = _by_ids(_TASKS, _TASK_RECORD)
collections_by_id: SetRead[int, Collection | None] = _by_ids(_COLLECTIONS_BY_ID, _COLLECTION_RECORD)
variants_by_model: SetRead[int, list[ModelVariant]] = _per_model(_VARIANTS, _VARIANT_RECORD)
# Every price row (history included), oldest first.
prices_by_model: SetRead[int, list[Price]] = _per_model(_PRICES, _PRICE_RECORD)


def _aliases(ids: Sequence[int], results: list[Rows]) -> list[list[str]]:
    return _grouped(cast(list[tuple[int, str]], results[0]), ids)


aliases_by_model: SetRead[int, list[str]] = SetRead(_one_statement(_ALIASES), _aliases)


def _capabilities(ids: Sequence[int], results: list[Rows]) -> list[list[CapabilityRow]]:
    pairs: list[tuple[int, CapabilityRow]] = []
    for row in results[0]:
        capability = _CAPABILITY_RECORD._make(row[:_CAPABILITY_WIDTH])
        task = _TASK_RECORD._make(row[_CAPABILITY_WIDTH:])
        pairs.append((capability.model_id, CapabilityRow(capability, task)))
    return _grouped(pairs, ids)


capabilities_by_model: SetRead[int, list[CapabilityRow]] = SetRead(
    _one_statement(_CAPABILITIES), _capabilities
)


def _collections(ids: Sequence[int], results: list[Rows]) -> list[list[Collection]]:
    return _grouped([(row[0], _COLLECTION_RECORD._make(row[1:])) for row in results[0]], ids)


collections_by_model: SetRead[int, list[Collection]] = SetRead(
    _one_statement(_COLLECTIONS), _collections
)


def _lineage(ids: Sequence[int], results: list[Rows]) -> list[list[LineageRow]]:
    wanted = set(ids)
    subject_end = _LINEAGE_WIDTH + _MODEL_WIDTH
    pairs: list[tuple[int, LineageRow]] = []
    for row in results[0]:
        link = _LINEAGE_RECORD._make(row[:_LINEAGE_WIDTH])
        if link.model_id in wanted:
            related_model = _MODEL_RECORD._make(row[subject_end:])
            pairs.append((link.model_id, LineageRow(link, related_model, incoming=False)))
        if link.related_model_id in wanted:
            subject_model = _MODEL_RECORD._make(row[_LINEAGE_WIDTH:subject_end])
            pairs.append((link.related_model_id, LineageRow(link, subject_model, incoming=True)))
    return _grouped(pairs, ids)


# Links in both directions, so PaliGemma sees that PaliGemma 2 succeeds it.
lineage_by_model: SetRead[int, list[LineageRow]] = SetRead(_one_statement(_LINEAGE), _lineage)


_DAY = bindparam("day", type_=Date)
_OFFERS = prepare(
    select(
        Offer.__table__,
        Organization.slug.label("provider_slug"),
        Organization.name.label("provider_name"),
    )
    .join(Organization, Organization.id == Offer.provider_id)
    .where(
        Offer.model_id == any_(_unplanned(_IDS, ARRAY(Integer))),
        offer_in_force(_unplanned(_DAY, Date)),
    )
    .order_by(
        Offer.model_id,
        Offer.input_per_mtok.asc().nullslast(),
        Offer.output_per_mtok.asc().nullslast(),
        Organization.name,
        Offer.route,
    )
)


def _offer_days(keys: Sequence[tuple[int, date]]) -> list[tuple[date, list[int]]]:
    """Each distinct day of the keys with its models' ids (a page of models asks for one)."""
    days = sorted({day for _, day in keys})
    return [(day, sorted({model_id for model_id, d in keys if d == day})) for day in days]


def _offers_queries(keys: Sequence[tuple[int, date]]) -> list[Query]:
    return [(_OFFERS, {"ids": IdArray(ids), "day": day}) for day, ids in _offer_days(keys)]


def _offers(keys: Sequence[tuple[int, date]], results: list[Rows]) -> list[list[OfferRow]]:
    pairs: list[tuple[tuple[int, date], OfferRow]] = []
    for (day, _), rows in zip(_offer_days(keys), results, strict=True):
        for row in rows:
            offer = _OFFER_RECORD._make(row[:_OFFER_WIDTH])
            pairs.append(((offer.model_id, day), OfferRow(offer, row[-2], row[-1])))
    return _grouped(pairs, keys)


# Each (model id, day) key's offers in force that day, cheapest input first: one statement
# per distinct day.
offers_by_model: SetRead[tuple[int, date], list[OfferRow]] = SetRead(_offers_queries, _offers)


_OFFERS_BY_ID = prepare(
    select(
        Offer.__table__,
        Organization.slug.label("provider_slug"),
        Organization.name.label("provider_name"),
    )
    .join(Organization, Organization.id == Offer.provider_id)
    .where(_any(Offer.id))
)


def _offers_by_id(ids: Sequence[int], results: list[Rows]) -> list[OfferRow | None]:
    found = {
        row[0]: OfferRow(_OFFER_RECORD._make(row[:_OFFER_WIDTH]), row[-2], row[-1])
        for row in results[0]
    }
    return [found.get(key) for key in ids]


# Offers by id, in force or not (a global id names one offer for good).
offers_by_id: SetRead[int, OfferRow | None] = SetRead(_one_statement(_OFFERS_BY_ID), _offers_by_id)


@dataclass(frozen=True)
class ProviderRow:
    organization: Organization
    model_count: int


async def providers_by_id(
    session: AsyncSession, keys: Sequence[tuple[int, date]]
) -> list[ProviderRow | None]:
    """Each (organization id, day) key's provider row: None when it offers nothing that day."""
    count = func.count(func.distinct(Offer.model_id)).label("model_count")
    found: dict[tuple[int, date], ProviderRow] = {}
    for day in sorted({day for _, day in keys}):
        ids = sorted({org_id for org_id, d in keys if d == day})
        rows = await session.execute(
            select(Organization.__table__, count)
            .join(Offer, Offer.provider_id == Organization.id)
            .where(Organization.id.in_(ids), offer_in_force(day))
            .group_by(Organization.id)
        )
        for row in rows:
            found[(row.id, day)] = ProviderRow(cast(Organization, row), row.model_count)
    return [found.get(key) for key in keys]


MAX_FILTER_SLUGS = 50  # organizations or providers one filter may name


async def check_organization_slugs(
    session: AsyncSession,
    slugs: Sequence[str],
    *,
    argument: str,
    kind: str,
    candidates: Select[str],
) -> None:
    """Refuse a filter naming an organization the catalog does not know (a typo would otherwise
    list nothing): NOT_FOUND with the closest of `candidates` as `suggestions` (and the name
    as `unknown`), which the web form links in place of the typo. One indexed read, and the
    candidates only when a name is unknown."""
    if len(slugs) > MAX_FILTER_SLUGS:
        raise UserInputError(
            f"{argument} takes at most {MAX_FILTER_SLUGS} slugs (got {len(slugs)})", argument
        )
    wanted = {slug.lower() for slug in slugs}
    found = set(
        (
            await session.scalars(select(Organization.slug).where(Organization.slug.in_(wanted)))
        ).all()
    )
    unknown = next((slug for slug in slugs if slug.lower() not in found), None)
    if unknown is None:
        return
    close = closest(unknown, (await session.scalars(candidates)).all())
    error = UserInputError(
        f"unknown {kind} {unknown!r}{did_you_mean(close)}", argument, "NOT_FOUND"
    )
    error.extensions["unknown"] = [unknown]
    error.extensions["suggestions"] = close
    raise error


async def check_providers(session: AsyncSession, slugs: Sequence[str]) -> None:
    """The provider filter's organizations, suggested from those that offer a model."""
    offering = select(Organization.slug).join(Offer, Offer.provider_id == Organization.id)
    await check_organization_slugs(
        session,
        slugs,
        argument="filter.provider",
        kind="provider",
        candidates=offering.distinct(),
    )


async def citations_by_model(session: AsyncSession, ids: Sequence[int]) -> list[list[CitationRow]]:
    """Curated citations (with their quotes) and imported claims (with the value each data set
    states and its own name for the model), in one statement."""
    curated = select(
        ModelCitation.model_id,
        ModelCitation.field,
        ModelCitation.source_id,
        ModelCitation.quote,
        literal(None, String).label("value"),
        literal(None, String).label("external_id"),
    ).where(ModelCitation.model_id.in_(ids))
    claimed = select(
        FactClaim.model_id,
        FactClaim.field,
        FactClaim.source_id,
        literal(None, String).label("quote"),
        FactClaim.value,
        FactClaim.external_id,
    ).where(FactClaim.model_id.in_(ids))
    both = union_all(curated, claimed).subquery()
    rows = await session.execute(
        select(both, Source).join(Source, Source.id == both.c.source_id).order_by(Source.slug)
    )
    return _grouped(
        [
            (r.model_id, CitationRow(r.field, r.quote, r.Source, r.value, r.external_id))
            for r in rows
        ],
        ids,
    )


async def conflicts_by_model(session: AsyncSession, ids: Sequence[int]) -> list[list[FactConflict]]:
    rows = await session.scalars(
        select(FactConflict)
        .where(FactConflict.model_id.in_(ids))
        .order_by(FactConflict.field, FactConflict.source_id)
    )
    return _grouped([(c.model_id, c) for c in rows], ids)


def price_in_force(
    prices: Sequence[Price], on: date, variant_id: int | None = None
) -> Price | None:
    """The price of the model (or a variant) that applies on a date."""
    for price in prices:
        if price.variant_id != variant_id:
            continue
        started = price.effective_from is None or price.effective_from <= on
        not_ended = price.effective_to is None or on < price.effective_to
        if started and not_ended:
            return price
    return None


def model_price_in_force(on: date) -> ColumnElement[bool]:
    """SQL twin of price_in_force: the model-wide price row that applies on a date."""
    return and_(
        Price.variant_id.is_(None),
        or_(Price.effective_from.is_(None), Price.effective_from <= on),
        or_(Price.effective_to.is_(None), Price.effective_to > on),
    )


def current_price_subquery(on: date) -> Select[int, Decimal | None, Decimal | None]:
    """model_id with its model-level input and output price in force on a date."""
    return select(Price.model_id, Price.input_per_mtok, Price.output_per_mtok).where(
        model_price_in_force(on)
    )


async def listing(session: AsyncSession, cls: type[Any]) -> list[Any]:
    """Every row of a small taxonomy table, in display order."""
    order = [cls.sort_order, cls.slug] if hasattr(cls, "sort_order") else [cls.slug]
    return list((await session.scalars(select(cls).order_by(*order))).all())


async def by_slug(session: AsyncSession, cls: type[Any], slug: str) -> Any:
    return await lookup.row_by_slug_async(session, cls, slug)
