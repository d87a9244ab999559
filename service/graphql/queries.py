"""The Query root: catalog lookups, the filtered listing and comparisons."""

from collections.abc import Awaitable, Callable, Iterable, Iterator
from datetime import date
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.types.nodes import SelectedField, Selection

from service.catalog import compare as comparison
from service.catalog import listings, reads, search
from service.catalog.errors import UserInputError, suggest
from service.catalog.pages import DEFAULT_PAGE, PageRequest, check_request
from service.graphql import nodes as global_ids
from service.graphql.auth import AdminRead
from service.graphql.context import Context, LoaderReads
from service.graphql.fields import field
from service.graphql.info import CtxInfo
from service.graphql.input_types.model_filter import NEWEST_FIRST, ModelFilter, ModelOrder
from service.graphql.input_types.workload import WorkloadInput
from service.graphql.inputs import sent
from service.graphql.types.audit import AuditEntryType
from service.graphql.types.collection import CollectionType
from service.graphql.types.common import SortDirection
from service.graphql.types.comparison import Comparison, from_logic
from service.graphql.types.license import LicenseType
from service.graphql.types.model import ModelType
from service.graphql.types.model_connection import ModelConnection
from service.graphql.types.offer import ProviderType
from service.graphql.types.organization import OrganizationType
from service.graphql.types.relay import (
    AfterArgument,
    BeforeArgument,
    Connection,
    FirstArgument,
    LastArgument,
    Node,
    connection,
    page_info,
)
from service.graphql.types.source import SourceType
from service.graphql.types.task import TaskType
from service.models import Collection, License, Model, Organization, Source, Task

RowT = TypeVar("RowT")
Slug = Annotated[str, strawberry.argument(description="Slug, in any case.")]


def _to_search_filter(given: ModelFilter | None) -> search.ModelFilter:
    return search.ModelFilter(**sent(given)) if given else search.ModelFilter()


def _included(selection: Selection) -> bool:
    """Whether `@skip`/`@include` (their `if` resolved against the variables) keep it."""
    directives = selection.directives
    if not directives:
        return True
    skip, include = directives.get("skip"), directives.get("include")
    return not (skip is not None and skip.get("if")) and (
        include is None or bool(include.get("if"))
    )


def _fields(selections: Iterable[Selection], name: str | None = None) -> Iterator[SelectedField]:
    """The fields selected (named `name`, if given), through fragments; those `@skip` or
    `@include` leave out are not."""
    for selection in selections:
        if not _included(selection):
            continue
        if isinstance(selection, SelectedField):
            if name is None or selection.name == name:
                yield selection
        else:  # a fragment spread or an inline fragment
            yield from _fields(selection.selections, name)


def _node_fields(info: CtxInfo) -> set[str]:
    """The names of the fields a listing selects on its models (`nodes`, `edges { node }`)."""
    names: set[str] = set()
    for listing in _fields(info.selected_fields):
        for nodes in _fields(listing.selections, "nodes"):
            names.update(selected.name for selected in _fields(nodes.selections))
        for edges in _fields(listing.selections, "edges"):
            for node in _fields(edges.selections, "node"):
                names.update(selected.name for selected in _fields(node.selections))
    return names


async def resolve_models(ctx: Context, names: list[str]) -> list[Model]:
    """Models by slug or alias, any case; unknown names answer with suggestions."""
    return await comparison.find_models(LoaderReads(ctx), names)


async def _taxonomy(ctx: Context, cls: listings.Taxonomy, request: PageRequest) -> Any:
    # Any: the page's rows are of the class asked for, which listings does not type.
    return await ctx.run(listings.taxonomy_page, cls, check_request(request))


def _counter(info: CtxInfo, cls: listings.Taxonomy) -> Callable[[], Awaitable[int]]:
    return lambda: info.context.run(listings.count_taxonomy, cls)


async def _one(ctx: Context, cls: type[RowT], slug: str, kind: str) -> RowT:
    row: RowT | None = await ctx.run(reads.by_slug, cls, slug)
    if row is None:
        slugs = [r.slug for r in await ctx.run(reads.listing, cls)]
        raise UserInputError(f"unknown {kind} {slug!r}{suggest(slug, slugs)}", "slug", "NOT_FOUND")
    return row


@strawberry.type(description="Reads: public, answered from one version of the catalog.")
class Query:
    @field(description="One model by slug or alias, in any case.")
    async def model(
        self,
        info: CtxInfo,
        slug: Annotated[str, strawberry.argument(description="A slug or alias, in any case.")],
    ) -> ModelType:
        (row,) = await resolve_models(info.context, [slug])
        return ModelType(row=row)

    @field(
        description="The catalog, filtered, ordered and paginated (first ≤ 100). Without "
        "orderBy: newest first (release date descending, unknown dates last)."
    )
    async def models(
        self,
        info: CtxInfo,
        filter: Annotated[
            ModelFilter | None,
            strawberry.argument(description="Conditions that must all hold (default: none)."),
        ] = None,
        order_by: Annotated[
            ModelOrder | None,
            strawberry.argument(description="The order (default: newest first)."),
        ] = None,
        first: FirstArgument = DEFAULT_PAGE,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
    ) -> ModelConnection:
        ctx = info.context
        request = check_request(PageRequest(first, after, last, before))
        order = order_by or NEWEST_FIRST
        criteria = _to_search_filter(filter)
        if criteria.provider:
            await ctx.run(reads.check_providers, criteria.provider)
        if criteria.organizations:
            await ctx.run(search.check_organizations, criteria.organizations)
        # A first page reads the organizations and prices its nodes select with the page, in
        # one round trip, and primes their loaders with them (the same records they would
        # read); other pages leave them to the loaders.
        selected = _node_fields(info) if not (request.after or request.before) else set()
        page = await ctx.run(
            search.search_models,
            criteria,
            order=order.field.value,
            descending=order.direction == SortDirection.DESC,
            first=request.size,
            after=request.after,
            last=request.last,
            before=request.before,
            on=ctx.today,
            with_organizations="organization" in selected,
            with_prices=not selected.isdisjoint(("price", "priceHistory")),
        )
        loaders = ctx.loaders
        loaders.model.prime_many({model.id: model for model in page.models})
        if page.organizations is not None:
            loaders.organization.prime_many({o.id: o for o in page.organizations if o is not None})
        if page.prices is not None:
            loaders.prices.prime_many(
                {m.id: p for m, p in zip(page.models, page.prices, strict=True)}
            )
        return ModelConnection.of_page(page.models, page.cursors, page_info(page), criteria)

    @field(
        description="Organizations by name, a page at a time; `search` keeps those whose name, "
        "slug or an alias holds the text (any case)."
    )
    async def organizations(
        self,
        info: CtxInfo,
        first: FirstArgument = DEFAULT_PAGE,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
        search: Annotated[
            str | None,
            strawberry.argument(description="Text within the name, slug or an alias (≤ 200)."),
        ] = None,
    ) -> Connection[OrganizationType]:
        ctx = info.context
        request = check_request(PageRequest(first, after, last, before))
        page = await ctx.run(listings.organizations_page, request, search)
        for row in page.rows:
            ctx.loaders.organization.prime(row.id, row)
        return connection(
            page,
            [OrganizationType(row=r) for r in page.rows],
            lambda: ctx.run(listings.count_organizations, search),
        )

    @field(description="One organization by slug (any case); NOT_FOUND with suggestions otherwise.")
    async def organization(self, info: CtxInfo, slug: Slug) -> OrganizationType:
        return OrganizationType(row=await _one(info.context, Organization, slug, "organization"))

    @field(description="Licenses by slug, a page at a time.")
    async def licenses(
        self,
        info: CtxInfo,
        first: FirstArgument = DEFAULT_PAGE,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
    ) -> Connection[LicenseType]:
        page = await _taxonomy(info.context, License, PageRequest(first, after, last, before))
        return connection(page, [LicenseType(row=r) for r in page.rows], _counter(info, License))

    @field(description="One license by slug (any case); NOT_FOUND with suggestions otherwise.")
    async def license(self, info: CtxInfo, slug: Slug) -> LicenseType:
        return LicenseType(row=await _one(info.context, License, slug, "license"))

    @field(description="Tasks in display order, a page at a time.")
    async def tasks(
        self,
        info: CtxInfo,
        first: FirstArgument = DEFAULT_PAGE,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
    ) -> Connection[TaskType]:
        page = await _taxonomy(info.context, Task, PageRequest(first, after, last, before))
        return connection(page, [TaskType(row=r) for r in page.rows], _counter(info, Task))

    @field(description="One task by slug (any case); NOT_FOUND with suggestions otherwise.")
    async def task(self, info: CtxInfo, slug: Slug) -> TaskType:
        return TaskType(row=await _one(info.context, Task, slug, "task"))

    @field(description="Collections in display order, a page at a time.")
    async def collections(
        self,
        info: CtxInfo,
        first: FirstArgument = DEFAULT_PAGE,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
    ) -> Connection[CollectionType]:
        page = await _taxonomy(info.context, Collection, PageRequest(first, after, last, before))
        nodes = [CollectionType(row=r) for r in page.rows]
        return connection(page, nodes, _counter(info, Collection))

    @field(description="One collection by slug (any case); NOT_FOUND with suggestions otherwise.")
    async def collection(self, info: CtxInfo, slug: Slug) -> CollectionType:
        return CollectionType(row=await _one(info.context, Collection, slug, "collection"))

    @field(
        description="Organizations with an offer in force today, with how many models each "
        "offers, most first (then by name), a page at a time."
    )
    async def providers(
        self,
        info: CtxInfo,
        first: FirstArgument = DEFAULT_PAGE,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
    ) -> Connection[ProviderType]:
        ctx = info.context
        request = check_request(PageRequest(first, after, last, before))
        page = await ctx.run(listings.providers_page, ctx.today, request)
        return connection(
            page,
            [ProviderType(row=r) for r in page.rows],
            lambda: ctx.run(listings.count_providers, ctx.today),
        )

    @field(description="The sources facts are cited from, by slug, a page at a time.")
    async def sources(
        self,
        info: CtxInfo,
        first: FirstArgument = DEFAULT_PAGE,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
    ) -> Connection[SourceType]:
        page = await _taxonomy(info.context, Source, PageRequest(first, after, last, before))
        return connection(page, [SourceType(row=r) for r in page.rows], _counter(info, Source))

    @field(
        description="The audit trail, newest first. Needs an admin token.",
        permission_classes=[AdminRead],
    )
    async def audit_log(
        self,
        info: CtxInfo,
        first: FirstArgument = DEFAULT_PAGE,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
        entity: Annotated[
            str | None,
            strawberry.argument(description="Only changes to this kind of record ('model')."),
        ] = None,
        entity_key: Annotated[
            str | None,
            strawberry.argument(description="Only changes to this record (its slug or key)."),
        ] = None,
        actor: Annotated[
            str | None,
            strawberry.argument(description="Only changes by this actor ('token:NAME')."),
        ] = None,
    ) -> Connection[AuditEntryType]:
        ctx = info.context
        request = check_request(PageRequest(first, after, last, before))
        criteria = listings.AuditFilter(entity=entity, entity_key=entity_key, actor=actor)
        page = await ctx.run(listings.audit_page, criteria, request)
        return connection(
            page,
            [AuditEntryType(row=r) for r in page.rows],
            lambda: ctx.run(listings.count_audit, criteria),
        )

    @field(
        description="The object a global id names (any type implementing Node), or null when "
        "it names nothing."
    )
    async def node(
        self,
        info: CtxInfo,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="A global id, as an `id` answered.")
        ],
    ) -> Node | None:
        return await global_ids.node(info.context, id)

    @field(
        description=f"The objects the global ids name, in order, null where one names nothing "
        f"(at most {global_ids.MAX_NODES} ids)."
    )
    async def nodes(
        self,
        info: CtxInfo,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description=f"Global ids, as `id`s answered (at most {global_ids.MAX_NODES})."
            ),
        ],
    ) -> list[Node | None]:
        return await global_ids.nodes(info.context, ids)

    @field(
        description="Compare 2 to 10 models (slugs or aliases, any case): the table by "
        "section, shared tasks, the live-demo verdict and, given a workload, costs."
    )
    async def compare(
        self,
        info: CtxInfo,
        models: Annotated[
            list[str],
            strawberry.argument(description="2 to 10 model slugs or aliases, in any case."),
        ],
        workload: Annotated[
            WorkloadInput | None,
            strawberry.argument(
                description="Token counts to price for each model (omit for no costs)."
            ),
        ] = None,
        as_of: Annotated[
            date | None,
            strawberry.argument(description="Take prices in force on this date (default: today)."),
        ] = None,
    ) -> Comparison:
        ctx = info.context
        result = await comparison.compare_models(
            LoaderReads(ctx),
            models,
            as_of=as_of or ctx.today,
            min_shared_demo_tasks=ctx.settings.min_shared_demo_tasks,
            workload=vars(workload) if workload is not None else None,
        )
        return from_logic(result)
