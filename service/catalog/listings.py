"""The root lists besides models, a keyset page at a time: organizations (with a search),
licenses, tasks, collections, sources, providers and the audit log.

Each has a page function (one statement) and a count function (one statement, only run when a
client asks for `totalCount`).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalog.errors import UserInputError
from service.catalog.offers import offer_in_force
from service.catalog.pages import KeysetPage, PageRequest, count_rows, keyset_page
from service.catalog.reads import ProviderRow
from service.models import (
    AuditEntry,
    Collection,
    License,
    Offer,
    Organization,
    OrganizationAlias,
    Source,
    Task,
)

MAX_SEARCH = 200
Taxonomy = type[License] | type[Task] | type[Collection] | type[Source]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _organizations(search: str | None) -> Select[Any]:
    query = select(Organization.__table__)
    text = (search or "").strip()
    if not text:
        return query
    if len(text) > MAX_SEARCH:
        raise UserInputError(f"search is longer than {MAX_SEARCH} characters", "search")
    pattern = f"%{_escape_like(text)}%"
    return query.where(
        or_(
            Organization.name.ilike(pattern, escape="\\"),
            Organization.slug.ilike(pattern, escape="\\"),
            exists().where(
                OrganizationAlias.organization_id == Organization.id,
                OrganizationAlias.alias.ilike(pattern, escape="\\"),
            ),
        )
    )


async def organizations_page(
    session: AsyncSession, request: PageRequest, search: str | None
) -> KeysetPage:
    """Organizations by name (any case), those whose name, slug or an alias holds `search`."""
    key: list[Any] = [func.lower(Organization.name), Organization.id]
    return await keyset_page(session, "organizations", _organizations(search), key, request)


async def count_organizations(session: AsyncSession, search: str | None) -> int:
    return await count_rows(session, _organizations(search))


def _taxonomy_key(cls: Taxonomy) -> list[ColumnElement[Any]]:
    """The display order of `reads.listing`: sort order when the table has one, then slug."""
    slug = cast(ColumnElement[Any], cls.slug)
    sort_order = getattr(cls, "sort_order", None)
    return [sort_order, slug] if sort_order is not None else [slug]


async def taxonomy_page(session: AsyncSession, cls: Taxonomy, request: PageRequest) -> KeysetPage:
    """Licenses, tasks, collections or sources in display order."""
    query = select(cls.__table__)
    return await keyset_page(session, cls.__tablename__, query, _taxonomy_key(cls), request)


async def count_taxonomy(session: AsyncSession, cls: Taxonomy) -> int:
    return await count_rows(session, select(cls.__table__))


def _providers(on: date) -> Any:
    """Organizations with an offer in force, with how many models each offers (a subquery, so
    the count can be part of the page's key)."""
    count = func.count(func.distinct(Offer.model_id)).label("model_count")
    return (
        select(Organization.__table__, count)
        .join(Offer, Offer.provider_id == Organization.id)
        .where(offer_in_force(on))
        .group_by(Organization.id)
        .subquery("provider")
    )


async def providers_page(session: AsyncSession, on: date, request: PageRequest) -> KeysetPage:
    """Providers, most models first, then by name: the rows are `ProviderRow`s."""
    provider = _providers(on)
    key = [-provider.c.model_count, func.lower(provider.c.name), provider.c.id]
    page = await keyset_page(session, "providers", select(provider), key, request)
    rows = [ProviderRow(cast(Organization, row), row.model_count) for row in page.rows]
    return KeysetPage(rows, page.cursors, page.has_next_page, page.has_previous_page)


async def count_providers(session: AsyncSession, on: date) -> int:
    return await count_rows(session, select(_providers(on)))


@dataclass(frozen=True)
class AuditFilter:
    entity: str | None = None
    entity_key: str | None = None
    actor: str | None = None


def _audit(criteria: AuditFilter) -> Select[Any]:
    query = select(AuditEntry.__table__)
    if criteria.entity:
        query = query.where(AuditEntry.entity == criteria.entity)
    if criteria.entity_key:
        query = query.where(AuditEntry.entity_key == criteria.entity_key)
    if criteria.actor:
        query = query.where(AuditEntry.actor == criteria.actor)
    return query


async def audit_page(
    session: AsyncSession, criteria: AuditFilter, request: PageRequest
) -> KeysetPage:
    """Audit entries, newest first."""
    return await keyset_page(session, "auditLog", _audit(criteria), [-AuditEntry.id], request)


async def count_audit(session: AsyncSession, criteria: AuditFilter) -> int:
    return await count_rows(session, _audit(criteria))
