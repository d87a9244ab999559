"""The per-request context: one database session and fresh DataLoaders."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from service.catalog import reads
from service.config import Settings
from service.graphql.cache import ResponseCache

T = TypeVar("T")
Batch = Callable[[AsyncSession, Sequence[Any]], Awaitable[list[Any]]]


class Loaders:
    """One DataLoader per set-based read; each batch is one SQL statement."""

    def __init__(self, run: Callable[[Batch, Sequence[Any]], Awaitable[list[Any]]]):
        def loader(batch: Batch) -> DataLoader[Any, Any]:
            async def load(keys: list[Any]) -> list[Any]:
                return await run(batch, keys)

            return DataLoader(load_fn=load)

        self.model = loader(reads.models_by_id)
        self.organization = loader(reads.organizations_by_id)
        self.license = loader(reads.licenses_by_id)
        self.source = loader(reads.sources_by_id)
        self.aliases = loader(reads.aliases_by_model)
        self.variants = loader(reads.variants_by_model)
        self.prices = loader(reads.prices_by_model)
        self.capabilities = loader(reads.capabilities_by_model)
        self.collections = loader(reads.collections_by_model)
        self.lineage = loader(reads.lineage_by_model)
        self.citations = loader(reads.citations_by_model)
        self.conflicts = loader(reads.conflicts_by_model)
        self.models_of_organization = loader(reads.models_by_organization)
        self.models_of_license = loader(reads.models_by_license)
        self.models_of_task = loader(reads.models_by_task)
        self.models_of_collection = loader(reads.models_by_collection)


@dataclass
class Context(BaseContext):
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    engine: Engine  # the synchronous engine the write path runs on
    response_cache: ResponseCache | None = None
    today: date = field(default_factory=date.today)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        super().__init__()
        self.loaders = Loaders(self.run)

    async def run(self, read: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Run one read on a pooled connection, returned as soon as the read is done.

        A request holds a connection only while a statement runs, not while GraphQL builds
        the response, so many concurrent requests share a small pool. Reads of one request
        run one at a time, so a request never takes more than one connection.
        """
        async with self.lock, self.sessions() as session:
            return await read(session, *args, **kwargs)
