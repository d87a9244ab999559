"""The per-request context: one database session for all reads, and fresh DataLoaders.

With read replicas configured, a public read (an operation whose root fields are all public,
see `cache.is_public_read`) runs all its reads on one `Snapshot` the `ReplicaSet` opens at the
first read: one connection and one transaction on a database that has replayed the client's
catalog version, so the whole answer is true of one version. When that database fails
mid-request the snapshot is lost: the request's remaining reads fail fast and the front door
runs the request again on a new snapshot (`snapshot_lost`). Mutations, admin reads
(`auditLog`) and anything else stay on the primary's session.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from service.catalog import compare as comparison
from service.catalog import model_pages, reads, search
from service.config import Settings
from service.db import DatabaseError
from service.models import (
    Collection,
    FactConflict,
    License,
    Model,
    ModelVariant,
    Organization,
    Price,
    Source,
    Task,
)
from service.replicas import ReplicaSet, Snapshot, SnapshotLost

if TYPE_CHECKING:  # the session types only annotate: the door runs no SQL of its own
    from sqlalchemy import Engine
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

log = logging.getLogger(__name__)

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


class Run(Protocol):
    """`Context.run`: one read on the request's session, answering what the read answers."""

    def __call__(
        self, read: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any
    ) -> Awaitable[T]: ...


class Batch(Generic[K, V]):
    """A set-based read (one statement for any number of keys) run on the request's session."""

    def __init__(
        self,
        read: Callable[[AsyncSession, Sequence[K]], Awaitable[list[V]]],
        run: Run,
    ):
        self._read = read
        self._run = run

    async def __call__(self, keys: list[K]) -> list[V]:
        return await self._run(self._read, keys)


class Together(Protocol):
    """`Context.run_together`: a set read sent with the others dispatched at the same time."""

    def __call__(self, read: reads.SetRead[K, V], keys: Sequence[K]) -> Awaitable[list[V]]: ...


class SetBatch(Generic[K, V]):
    """A set read's batch, sent in one round trip with the other loaders' batches of the same
    turn of the event loop (`Context.run_together`)."""

    def __init__(self, read: reads.SetRead[K, V], together: Together):
        self._read = read
        self._together = together

    async def __call__(self, keys: list[K]) -> list[V]:
        return await self._together(self._read, keys)


def _loader(
    read: Callable[[AsyncSession, Sequence[K]], Awaitable[list[V]]],
    run: Run,
) -> DataLoader[K, V]:
    return DataLoader(load_fn=Batch(read, run))


def _set_loader(read: reads.SetRead[K, V], together: Together) -> DataLoader[K, V]:
    return DataLoader(load_fn=SetBatch(read, together))


_Waiting = tuple["reads.SetRead[Any, Any]", Sequence[Any], "asyncio.Future[list[Any]]"]

Parent = model_pages.Parent
PageKey = model_pages.PageKey
PARENTS: tuple[Parent, ...] = ("organization", "license", "task", "collection")


def _bound(
    read: Callable[[AsyncSession, model_pages.Parent, Sequence[K]], Awaitable[list[V]]],
    parent: model_pages.Parent,
) -> Callable[[AsyncSession, Sequence[K]], Awaitable[list[V]]]:
    async def bound(session: AsyncSession, keys: Sequence[K]) -> list[V]:
        return await read(session, parent, keys)

    return bound


class Loaders:
    """One DataLoader per set-based read; each batch is one SQL statement. The batches of the
    prepared set reads that dispatch together are sent in one round trip (`together`).

    Each loader is made at its first use: a request uses a few of the twenty-odd."""

    def __init__(self, run: Run, together: Together):
        self._run = run
        self._together = together

    @cached_property
    def model(self) -> DataLoader[int, Model | None]:
        return _set_loader(reads.models_by_id, self._together)

    @cached_property
    def organization(self) -> DataLoader[int, Organization | None]:
        return _set_loader(reads.organizations_by_id, self._together)

    @cached_property
    def license(self) -> DataLoader[int, License | None]:
        return _set_loader(reads.licenses_by_id, self._together)

    @cached_property
    def source(self) -> DataLoader[int, Source | None]:
        return _set_loader(reads.sources_by_id, self._together)

    @cached_property
    def task(self) -> DataLoader[int, Task | None]:
        return _set_loader(reads.tasks_by_id, self._together)

    @cached_property
    def collection(self) -> DataLoader[int, Collection | None]:
        return _set_loader(reads.collections_by_id, self._together)

    @cached_property
    def offer(self) -> DataLoader[int, reads.OfferRow | None]:
        return _set_loader(reads.offers_by_id, self._together)

    @cached_property
    def provider(self) -> DataLoader[tuple[int, date], reads.ProviderRow | None]:
        return _loader(reads.providers_by_id, self._run)  # keys: (organization id, day)

    @cached_property
    def aliases(self) -> DataLoader[int, list[str]]:
        return _set_loader(reads.aliases_by_model, self._together)

    @cached_property
    def variants(self) -> DataLoader[int, list[ModelVariant]]:
        return _set_loader(reads.variants_by_model, self._together)

    @cached_property
    def prices(self) -> DataLoader[int, list[Price]]:
        return _set_loader(reads.prices_by_model, self._together)

    @cached_property
    def capabilities(self) -> DataLoader[int, list[reads.CapabilityRow]]:
        return _set_loader(reads.capabilities_by_model, self._together)

    @cached_property
    def collections(self) -> DataLoader[int, list[Collection]]:
        return _set_loader(reads.collections_by_model, self._together)

    @cached_property
    def lineage(self) -> DataLoader[int, list[reads.LineageRow]]:
        return _set_loader(reads.lineage_by_model, self._together)

    @cached_property
    def citations(self) -> DataLoader[int, list[reads.CitationRow]]:
        return _loader(reads.citations_by_model, self._run)

    @cached_property
    def conflicts(self) -> DataLoader[int, list[FactConflict]]:
        return _loader(reads.conflicts_by_model, self._run)

    @cached_property
    def model_pages(self) -> dict[Parent, DataLoader[PageKey, search.Page]]:
        """Pages of a parent's models, keyed by (parent id, first, after)."""
        return {p: _loader(_bound(model_pages.model_pages, p), self._run) for p in PARENTS}

    @cached_property
    def model_counts(self) -> dict[Parent, DataLoader[int, int]]:
        """Counts of a parent's models, by parent id."""
        return {p: _loader(_bound(model_pages.model_counts, p), self._run) for p in PARENTS}

    @cached_property
    def offers(self) -> DataLoader[tuple[int, date], list[reads.OfferRow]]:
        return _set_loader(reads.offers_by_model, self._together)  # keys: (model id, day)


@dataclass
class Context(BaseContext):
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    engine: Engine  # the synchronous engine the write path runs on
    today: date = field(default_factory=date.today)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Set by the front door when the executed operation is a public read it may cache.
    cacheable: bool = False
    may_write: bool = False  # a mutation ran: the front door reads the version it produced
    replica_set: ReplicaSet | None = None  # public reads go through it when it has replicas
    min_version: int = 0  # the client's catalog version (read your writes)
    # The catalog versions this request's replica-routed reads were served at.
    served_versions: set[int] = field(default_factory=set, init=False)
    # The snapshot this request's reads were on failed mid-request: run the request again.
    snapshot_lost: SnapshotLost | None = field(default=None, init=False)
    # Databases that lost this request's snapshot on an earlier run: tried last.
    avoid: frozenset[str] = frozenset()
    # The catalog versions this request's writes produced (the newest is its token).
    written_versions: list[int] = field(default_factory=list, init=False)
    _session: AsyncSession | None = field(default=None, init=False)
    _snapshot: Snapshot | None = field(default=None, init=False)
    _snapshot_session: AsyncSession | None = field(default=None, init=False)
    _loaders: Loaders | None = field(default=None, init=False)
    # Set reads waiting to be sent together, and the tasks sending them (or about to).
    _waiting: list[_Waiting] = field(default_factory=list, init=False)
    _senders: set[asyncio.Task[None]] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        super().__init__()

    @property
    def loaders(self) -> Loaders:
        """The request's DataLoaders, made at first use: a cache hit needs none."""
        if self._loaders is None:
            self._loaders = Loaders(self.run, self.run_together)
        return self._loaders

    async def run(self, read: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Run one read on the request's session.

        The session checks one pooled connection out at the first read and keeps it for the
        request's other reads (one checkout per request, not per read); `close()` returns it.
        Reads of one request run one at a time on it.
        """
        async with self.lock:
            if self._on_replicas():
                return await self._run_routed(read, *args, **kwargs)
            if self._session is None:
                self._session = self.sessions()
            return await read(self._session, *args, **kwargs)

    async def run_together(self, read: reads.SetRead[K, V], keys: Sequence[K]) -> list[V]:
        """Run a set read together with the others asked for in the same turn of the event
        loop: their statements go in one round trip (`reads.fetch_together`), on the request's
        session as `run` would run each.

        The DataLoaders dispatch their batches in the same turn when the resolvers that load
        them ran together (a model page's fields, a listing's organizations and prices): the
        sender starts one turn later, once they all have asked.
        """
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[list[V]] = loop.create_future()
        if not self._waiting:  # the first to ask since the last sending: a sender for them
            sender = loop.create_task(self._send_waiting())
            self._senders.add(sender)
            sender.add_done_callback(self._senders.discard)
        self._waiting.append((read, keys, answer))
        return await answer

    async def _send_waiting(self) -> None:
        waiting, self._waiting = self._waiting, []
        calls = [(read, keys) for read, keys, _ in waiting]
        try:
            answers = await self.run(reads.fetch_together, calls)
        except Exception as error:
            for _, _, answer in waiting:
                if not answer.done():
                    answer.set_exception(error)
            return
        except BaseException:  # cancelled: the request is ending
            for _, _, answer in waiting:
                answer.cancel()
            raise
        for (_, _, answer), rows in zip(waiting, answers, strict=True):
            if not answer.done():
                answer.set_result(rows)

    def _on_replicas(self) -> bool:
        replica_set = self.replica_set
        return (
            replica_set is not None
            and replica_set.enabled
            and self.cacheable  # a public read; mutations and admin reads stay on the primary
            and not self.may_write
        )

    async def _run_routed(self, read: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """A read on the request's snapshot, opened at its first read (see the module doc).

        The snapshot is on a database that has replayed the client's version; it is read once,
        so the answer never goes back in time between two of its fields.
        """
        assert self.replica_set is not None
        if self.snapshot_lost is not None:
            raise self.snapshot_lost  # the request runs again: its other reads need not
        if self._snapshot is None:
            self._snapshot = await self.replica_set.snapshot(self.min_version, self.avoid)
            self.served_versions.add(self._snapshot.version)
        session = self._snapshot_session
        if session is None:
            session = self._snapshot_session = self.sessions(bind=self._snapshot.connection)

        async def work(_connection: AsyncConnection) -> T:
            return await read(session, *args, **kwargs)

        try:
            return await self._snapshot.run(work)
        except SnapshotLost as lost:
            self.snapshot_lost = lost
            raise

    @property
    def served_version(self) -> int | None:
        """The one version every routed read saw (None: none routed, or they differ)."""
        return next(iter(self.served_versions)) if len(self.served_versions) == 1 else None

    async def close(self) -> None:
        """Return the request's connections to the pool (ending their read-only transactions)."""
        # The loaders refer back to the context (each batch runs through `run`): a cycle that
        # held the request's rows, futures and caches until the garbage collector found it.
        # Dropped here, they are freed as the request ends.
        self._loaders = None
        # Reads still asked for as the request ends are not sent, or stopped before their
        # session is closed under them; whoever waits for them is cancelled.
        senders = list(self._senders)
        for sender in senders:
            sender.cancel()
        for _, _, answer in self._waiting:  # their sender had not started
            answer.cancel()
        self._waiting = []
        if senders:
            await asyncio.gather(*senders, return_exceptions=True)
        snapshot, self._snapshot = self._snapshot, None
        routed, self._snapshot_session = self._snapshot_session, None
        if routed is not None:
            with contextlib.suppress(DatabaseError):
                await routed.close()  # bound to the snapshot's connection: leaves it open
        if snapshot is not None:
            await snapshot.close()
        session, self._session = self._session, None
        if session is None:
            return
        try:
            await session.close()
        except DatabaseError as error:
            # A read cancelled mid-statement (a sibling field failed first) can leave the
            # connection unusable: it is discarded rather than returned to the pool.
            log.warning("discarding a broken read connection: %s", type(error).__name__)
            with contextlib.suppress(DatabaseError):
                await session.invalidate()


class LoaderReads:
    """The comparison service's reads through the request's DataLoaders (batched, primed).

    The models' data is read in one round trip (`compare.data_reads`, straight through
    `Context.run`, without a DataLoader batch per kind) and primes the loaders, so a field of
    the same models later in the request reads it from there."""

    def __init__(self, context: Context):
        self.context = context
        self.loaders = context.loaders
        # Read with the models by name: a comparison does not read them again.
        self._organizations: dict[int, Organization] = {}
        self._licenses: dict[int, License] = {}

    async def model_ids(self, names: Sequence[str]) -> dict[str, int]:
        """The ids of the models named; the statement also reads each model with its
        organization and license, and primes their loaders with them."""
        found = await self.context.run(reads.names_to_models, names)
        for named in found.values():
            self.loaders.model.prime(named.model.id, named.model)
            if named.organization is not None:
                self._organizations[named.organization.id] = named.organization
                self.loaders.organization.prime(named.organization.id, named.organization)
            if named.license is not None:
                self._licenses[named.license.id] = named.license
                self.loaders.license.prime(named.license.id, named.license)
        return {name: named.model.id for name, named in found.items()}

    async def all_names(self) -> list[tuple[str, int]]:
        return await self.context.run(reads.all_names)

    async def models(self, ids: Sequence[int]) -> Sequence[Model | None]:
        return await self.loaders.model.load_many(ids)

    async def model_data(
        self,
        ids: Sequence[int],
        organization_ids: Sequence[int],
        license_ids: Sequence[int],
        on: date,
    ) -> comparison.LoadedData:
        # Organizations and licenses read with the models by name are not read again.
        more: list[tuple[reads.SetRead[Any, Any], Sequence[int]]] = []
        if new_organizations := [i for i in organization_ids if i not in self._organizations]:
            more.append((reads.organizations_by_id, new_organizations))
        if new_licenses := [i for i in license_ids if i not in self._licenses]:
            more.append((reads.licenses_by_id, new_licenses))
        calls = [*comparison.data_reads(ids, on), *more]
        answers = await self.context.run(reads.fetch_together, calls)
        variants, prices, capabilities, collections, lineage, offers = answers[:6]
        more_answers = iter(answers[6:])
        if new_organizations:
            self._organizations.update((o.id, o) for o in next(more_answers) if o is not None)
        if new_licenses:
            self._licenses.update((lic.id, lic) for lic in next(more_answers) if lic is not None)
        loaders = self.loaders
        for i, model_id in enumerate(ids):
            loaders.variants.prime(model_id, variants[i])
            loaders.prices.prime(model_id, prices[i])
            loaders.capabilities.prime(model_id, capabilities[i])
            loaders.collections.prime(model_id, collections[i])
            loaders.lineage.prime(model_id, lineage[i])
            loaders.offers.prime((model_id, on), offers[i])
        return comparison.LoadedData(
            organizations=[self._organizations.get(i) for i in organization_ids],
            licenses=[self._licenses.get(i) for i in license_ids],
            variants=variants,
            prices=prices,
            capabilities=capabilities,
            collections=collections,
            lineage=lineage,
            offers=offers,
        )
