"""The per-request context: one database session for all reads, and fresh DataLoaders."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from service.catalog import reads
from service.config import Settings
from service.models import Collection, License, Model, ModelVariant, Organization, Price

log = logging.getLogger(__name__)

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


class Batch(Generic[K, V]):
    """A set-based read (one statement for any number of keys) run on the request's session."""

    def __init__(
        self,
        read: Callable[[AsyncSession, Sequence[K]], Awaitable[list[V]]],
        run: Callable[..., Awaitable[list[V]]],
    ):
        self._read = read
        self._run = run

    async def __call__(self, keys: list[K]) -> list[V]:
        return await self._run(self._read, keys)


def _loader(
    read: Callable[[AsyncSession, Sequence[K]], Awaitable[list[V]]],
    run: Callable[..., Awaitable[list[V]]],
) -> DataLoader[K, V]:
    return DataLoader(load_fn=Batch(read, run))


class Loaders:
    """One DataLoader per set-based read; each batch is one SQL statement."""

    def __init__(self, run: Callable[..., Awaitable[Any]]):
        self.model = _loader(reads.models_by_id, run)
        self.organization = _loader(reads.organizations_by_id, run)
        self.license = _loader(reads.licenses_by_id, run)
        self.source = _loader(reads.sources_by_id, run)
        self.aliases = _loader(reads.aliases_by_model, run)
        self.variants = _loader(reads.variants_by_model, run)
        self.prices = _loader(reads.prices_by_model, run)
        self.capabilities = _loader(reads.capabilities_by_model, run)
        self.collections = _loader(reads.collections_by_model, run)
        self.lineage = _loader(reads.lineage_by_model, run)
        self.citations = _loader(reads.citations_by_model, run)
        self.conflicts = _loader(reads.conflicts_by_model, run)
        self.offers = _loader(reads.offers_by_model, run)  # keys: (model id, day)
        self.models_of_organization = _loader(reads.models_by_organization, run)
        self.models_of_license = _loader(reads.models_by_license, run)
        self.models_of_task = _loader(reads.models_by_task, run)
        self.models_of_collection = _loader(reads.models_by_collection, run)


@dataclass
class Context(BaseContext):
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    engine: Engine  # the synchronous engine the write path runs on
    today: date = field(default_factory=date.today)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    loaders: Loaders = field(init=False)
    # Set by the front door when the executed operation is a public read it may cache.
    cacheable: bool = False
    may_write: bool = False  # a mutation ran: the front door reads the version it produced
    _session: AsyncSession | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        super().__init__()
        self.loaders = Loaders(self.run)

    async def run(self, read: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Run one read on the request's session.

        The session checks one pooled connection out at the first read and keeps it for the
        request's other reads (one checkout per request, not per read); `close()` returns it.
        Reads of one request run one at a time on it.
        """
        async with self.lock:
            if self._session is None:
                self._session = self.sessions()
            return await read(self._session, *args, **kwargs)

    async def close(self) -> None:
        """Return the request's connection to the pool (ending its read-only transaction)."""
        session, self._session = self._session, None
        if session is None:
            return
        try:
            await session.close()
        except SQLAlchemyError as error:
            # A read cancelled mid-statement (a sibling field failed first) can leave the
            # connection unusable: it is discarded rather than returned to the pool.
            log.warning("discarding a broken read connection: %s", type(error).__name__)
            with contextlib.suppress(SQLAlchemyError):
                await session.invalidate()


class LoaderReads:
    """The comparison service's reads through the request's DataLoaders (batched, primed)."""

    def __init__(self, context: Context):
        self.context = context
        self.loaders = context.loaders

    async def model_ids(self, names: Sequence[str]) -> dict[str, int]:
        return await self.context.run(reads.names_to_ids, names)

    async def all_names(self) -> list[tuple[str, int]]:
        return await self.context.run(reads.all_names)

    async def models(self, ids: Sequence[int]) -> Sequence[Model | None]:
        return await self.loaders.model.load_many(ids)

    async def organizations(self, ids: Sequence[int]) -> Sequence[Organization | None]:
        return await self.loaders.organization.load_many(ids)

    async def licenses(self, ids: Sequence[int]) -> Sequence[License | None]:
        return await self.loaders.license.load_many(ids)

    async def variants(self, ids: Sequence[int]) -> Sequence[Sequence[ModelVariant]]:
        return await self.loaders.variants.load_many(ids)

    async def prices(self, ids: Sequence[int]) -> Sequence[Sequence[Price]]:
        return await self.loaders.prices.load_many(ids)

    async def capabilities(self, ids: Sequence[int]) -> Sequence[Sequence[reads.CapabilityRow]]:
        return await self.loaders.capabilities.load_many(ids)

    async def collections(self, ids: Sequence[int]) -> Sequence[Sequence[Collection]]:
        return await self.loaders.collections.load_many(ids)

    async def lineage(self, ids: Sequence[int]) -> Sequence[Sequence[reads.LineageRow]]:
        return await self.loaders.lineage.load_many(ids)

    async def offers(self, ids: Sequence[int], on: date) -> Sequence[Sequence[reads.OfferRow]]:
        return await self.loaders.offers.load_many([(i, on) for i in ids])
