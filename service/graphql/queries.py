"""The Query root: catalog lookups, the filtered listing and comparisons."""

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import strawberry

from service.catalog import compare as comparison
from service.catalog import listings, reads, search
from service.catalog.errors import UserInputError, suggest
from service.catalog.model_pages import Parent
from service.catalog.pages import DEFAULT_PAGE, PageRequest, check_request
from service.graphql import nodes as global_ids
from service.graphql.auth import admin_actor
from service.graphql.context import Context, LoaderReads
from service.graphql.inputs import sent
from service.graphql.types.audit import AuditEntryType
from service.graphql.types.catalog import CollectionType, OrganizationType, TaskType
from service.graphql.types.common import (
    Category,
    LicenseKind,
    Modality,
    ModelStatus,
    SortDirection,
    SourceType,
)
from service.graphql.types.comparison import Comparison, WorkloadInput, from_logic
from service.graphql.types.model import CtxInfo, LicenseType, ModelType, ProviderType
from service.graphql.types.relay import (
    AfterArgument,
    BeforeArgument,
    Connection,
    FirstArgument,
    LastArgument,
    Node,
    PageInfo,
    connection,
    page_info,
)
from service.models import Collection, License, Model, Organization, Source, Task


@strawberry.enum
class ModelOrderField(Enum):
    NAME = "name"
    RELEASE_DATE = "release_date"
    CONTEXT_WINDOW = "context_window"
    INPUT_PRICE = "input_price"
    OUTPUT_PRICE = "output_price"
    CHEAPEST_OFFER = strawberry.enum_value(
        "cheapest_offer",
        description="The lowest input price per 1M tokens among the model's offers in force "
        "today; models without a priced offer come last either way.",
    )


@strawberry.input
class ModelOrder:
    field: ModelOrderField = ModelOrderField.NAME
    direction: SortDirection = SortDirection.ASC


NEWEST_FIRST = ModelOrder(field=ModelOrderField.RELEASE_DATE, direction=SortDirection.DESC)


@strawberry.input(description="Every given condition must hold. Prices are per 1M tokens, today.")
class ModelFilter:
    organizations: list[str] | None = strawberry.field(default=None, description="Slugs.")
    category: Category | None = None
    open_weights: bool | None = None
    input_modality: Modality | None = None
    output_modality: Modality | None = None
    task: str | None = strawberry.field(default=None, description="Handles this task (slug).")
    has_demo_for: str | None = strawberry.field(
        default=None, description="Has a live demo for this task (slug)."
    )
    collection: str | None = None
    license_kind: LicenseKind | None = None
    commercial_use: bool | None = strawberry.field(
        default=None, description="True: allowed (with or without conditions); false: not allowed."
    )
    min_input_price: Decimal | None = None
    max_input_price: Decimal | None = None
    min_output_price: Decimal | None = None
    max_output_price: Decimal | None = None
    min_context_window: int | None = None
    released_after: date | None = None
    released_before: date | None = None
    status: list[ModelStatus] | None = None
    search: str | None = strawberry.field(
        default=None, description="Case-insensitive text within names, slugs and aliases."
    )
    provider: list[str] | None = strawberry.field(
        default=None,
        description="Provider slugs (see `providers`): offered today by any of them.",
    )
    research_only: bool | None = strawberry.field(
        default=None,
        description="False hides research results with neither an API nor weights (Epoch AI); "
        "true shows only them. Default: both (the web catalog hides them by default).",
    )


@strawberry.type(description="A model of a page and its cursor.")
class ModelEdge:
    cursor: str = strawberry.field(description="This model's position, for `after` or `before`.")
    node: ModelType


@strawberry.type(description="A page of models (Relay's connection), with how many match.")
class ModelConnection:
    edges: list[ModelEdge]
    page_info: PageInfo
    filter: strawberry.Private[search.ModelFilter]
    # A parent's models (organization, license, task or collection), counted by its loader.
    parent: strawberry.Private[tuple[Parent, int] | None] = None

    @strawberry.field(description="The page's models (the edges' nodes), without cursors.")
    def nodes(self) -> list[ModelType]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many models match the filter, over all pages.")
    async def total_count(self, info: CtxInfo) -> int:
        ctx = info.context
        if self.parent is not None:
            kind, parent_id = self.parent
            return await ctx.loaders.model_counts[kind].load(parent_id)
        return await ctx.run(search.count_models, self.filter, on=ctx.today)


def _to_search_filter(given: ModelFilter | None) -> search.ModelFilter:
    return search.ModelFilter(**sent(given)) if given else search.ModelFilter()


async def resolve_models(ctx: Context, names: list[str]) -> list[Model]:
    """Models by slug or alias, any case; unknown names answer with suggestions."""
    return await comparison.find_models(LoaderReads(ctx), names)


async def _taxonomy(ctx: Context, cls: listings.Taxonomy, request: PageRequest) -> Any:
    return await ctx.run(listings.taxonomy_page, cls, check_request(request))


def _counter(info: CtxInfo, cls: listings.Taxonomy) -> Callable[[], Awaitable[int]]:
    return lambda: info.context.run(listings.count_taxonomy, cls)


async def _one(ctx: Context, cls: type[Any], slug: str, kind: str) -> Any:
    row = await ctx.run(reads.by_slug, cls, slug)
    if row is None:
        slugs = [r.slug for r in await ctx.run(reads.listing, cls)]
        raise UserInputError(f"unknown {kind} {slug!r}{suggest(slug, slugs)}", "slug", "NOT_FOUND")
    return row


@strawberry.type
class Query:
    @strawberry.field(description="One model by slug or alias, in any case.")
    async def model(self, info: CtxInfo, slug: str) -> ModelType:
        (row,) = await resolve_models(info.context, [slug])
        return ModelType(row=row)

    @strawberry.field(
        description="The catalog, filtered, ordered and paginated (first ≤ 100). Without "
        "orderBy: newest first (release date descending, unknown dates last)."
    )
    async def models(
        self,
        info: CtxInfo,
        filter: ModelFilter | None = None,
        order_by: ModelOrder | None = None,
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
        )
        for model in page.models:
            ctx.loaders.model.prime(model.id, model)
        edges = [
            ModelEdge(cursor=c, node=ModelType(row=m))
            for m, c in zip(page.models, page.cursors, strict=True)
        ]
        return ModelConnection(edges=edges, page_info=page_info(page), filter=criteria)

    @strawberry.field(
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

    @strawberry.field
    async def organization(self, info: CtxInfo, slug: str) -> OrganizationType:
        return OrganizationType(row=await _one(info.context, Organization, slug, "organization"))

    @strawberry.field(description="Licenses by slug, a page at a time.")
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

    @strawberry.field
    async def license(self, info: CtxInfo, slug: str) -> LicenseType:
        return LicenseType(row=await _one(info.context, License, slug, "license"))

    @strawberry.field(description="Tasks in display order, a page at a time.")
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

    @strawberry.field
    async def task(self, info: CtxInfo, slug: str) -> TaskType:
        return TaskType(row=await _one(info.context, Task, slug, "task"))

    @strawberry.field(description="Collections in display order, a page at a time.")
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

    @strawberry.field
    async def collection(self, info: CtxInfo, slug: str) -> CollectionType:
        return CollectionType(row=await _one(info.context, Collection, slug, "collection"))

    @strawberry.field(
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

    @strawberry.field(description="The sources facts are cited from, by slug, a page at a time.")
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

    @strawberry.field(description="The audit trail, newest first. Needs an admin token.")
    async def audit_log(
        self,
        info: CtxInfo,
        first: FirstArgument = DEFAULT_PAGE,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
        entity: str | None = None,
        entity_key: str | None = None,
        actor: str | None = None,
    ) -> Connection[AuditEntryType]:
        ctx = info.context
        await admin_actor(
            ctx.engine, ctx.settings, ctx.request.headers.get("authorization"), write=False
        )
        request = check_request(PageRequest(first, after, last, before))
        criteria = listings.AuditFilter(entity=entity, entity_key=entity_key, actor=actor)
        page = await ctx.run(listings.audit_page, criteria, request)
        return connection(
            page,
            [AuditEntryType(row=r) for r in page.rows],
            lambda: ctx.run(listings.count_audit, criteria),
        )

    @strawberry.field(
        description="The object a global id names (any type implementing Node), or null when "
        "it names nothing."
    )
    async def node(self, info: CtxInfo, id: strawberry.ID) -> Node | None:
        return await global_ids.node(info.context, id)

    @strawberry.field(
        description=f"The objects the global ids name, in order, null where one names nothing "
        f"(at most {global_ids.MAX_NODES} ids)."
    )
    async def nodes(self, info: CtxInfo, ids: list[strawberry.ID]) -> list[Node | None]:
        return await global_ids.nodes(info.context, ids)

    @strawberry.field(
        description="Compare 2 to 10 models (slugs or aliases, any case): the table by "
        "section, shared tasks, the live-demo verdict and, given a workload, costs."
    )
    async def compare(
        self,
        info: CtxInfo,
        models: list[str],
        workload: WorkloadInput | None = None,
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
