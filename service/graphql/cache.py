"""A response cache for public reads, invalidated by any write.

Every write to the catalog (mutation, seed, import) adds audit rows in its own transaction, so
the newest audit id is a version of the whole catalog: one indexed lookup per request tells
whether a cached answer is still true. Only error-free queries whose root fields are all
public reads are cached; the key also holds the variables and today's date, on which prices
in force depend.
"""

import json
from collections import OrderedDict
from collections.abc import AsyncIterator
from datetime import date
from threading import Lock
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    OperationDefinitionNode,
    OperationType,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions import SchemaExtension

from service.models import AuditEntry

PUBLIC_ROOT_FIELDS = frozenset(
    {
        "compare",
        "model",
        "models",
        "organizations",
        "organization",
        "licenses",
        "license",
        "tasks",
        "task",
        "collections",
        "collection",
        "sources",
        "__typename",
    }
)


class ResponseCache:
    """A small LRU of execution results, shared by the requests of one app."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], ExecutionResult] = OrderedDict()
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[Any, ...]) -> ExecutionResult | None:
        with self._lock:
            result = self._entries.get(key)
            if result is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return result

    def put(self, key: tuple[Any, ...], result: ExecutionResult) -> None:
        with self._lock:
            self._entries[key] = result
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


async def catalog_version(session: AsyncSession) -> int:
    return await session.scalar(select(func.coalesce(func.max(AuditEntry.id), 0))) or 0


def _operation(document: DocumentNode | None, name: str | None) -> OperationDefinitionNode | None:
    if document is None:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def _cacheable(operation: OperationDefinitionNode | None) -> bool:
    if operation is None or operation.operation != OperationType.QUERY:
        return False
    fields = operation.selection_set.selections
    return all(isinstance(f, FieldNode) and f.name.value in PUBLIC_ROOT_FIELDS for f in fields)


class CachedReads(SchemaExtension):
    """Answer a repeated public query from the cache while the catalog has not changed."""

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        ctx = self.execution_context
        context = ctx.context
        cache: ResponseCache | None = getattr(context, "response_cache", None)
        operation = _operation(ctx.graphql_document, ctx.operation_name)
        if cache is None or not _cacheable(operation):
            yield
            return
        version = await context.run(catalog_version)
        key = (
            ctx.query,
            ctx.operation_name,
            json.dumps(ctx.variables or {}, sort_keys=True, default=str),
            version,
            date.today().isoformat(),
        )
        cached = cache.get(key)
        if cached is not None:
            ctx.result = cached
            yield
            return
        yield
        result = ctx.result
        if isinstance(result, ExecutionResult) and not result.errors:
            cache.put(key, result)
