"""The response cache: encoded answers of public reads, valid for one catalog version.

An entry is the answer's bytes and its ETag, keyed by the request (document, operation name,
variables) and today's date (prices in force depend on it). The cache holds answers of one
catalog version at a time: when the version moves, every entry is dropped at once, and an
answer computed while the version moved is not kept. It is bounded in bytes and entries.
Only error-free queries whose root fields are all public reads are cached.

The cache is used by one worker's event loop alone: `get` and `put` never await, so no two of
them interleave, and it needs no lock.
"""

import hashlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

from graphql import DocumentNode, FieldNode, OperationDefinitionNode, OperationType
from strawberry.extensions import SchemaExtension

from service.graphql.limits import operations

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
        "node",
        "nodes",
        "sources",
        "__typename",
    }
)
_ENTRY_OVERHEAD = 200  # bytes of bookkeeping per entry, beside its key and body

Key = tuple[str, str | None, bytes, str]


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    body: bytes
    etag: str
    # Its Content-Length and ETag header values, encoded once rather than on every hit.
    length: bytes = field(init=False)
    etag_bytes: bytes = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "length", str(len(self.body)).encode())
        object.__setattr__(self, "etag_bytes", self.etag.encode())

    @classmethod
    def of(cls, body: bytes) -> "CachedAnswer":
        return cls(body, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')


class ResponseCache:
    """An LRU of encoded answers for one catalog version, bounded in bytes and in entries."""

    def __init__(self, max_entries: int, max_bytes: int):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Key, CachedAnswer] = OrderedDict()
        self._bytes = 0
        self._version: int | None = None
        self.hits = 0
        self.misses = 0

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key, version: int) -> CachedAnswer | None:
        if version != self._version:
            self._reset(version)
        answer = self._entries.get(key)
        if answer is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return answer

    def put(self, key: Key, version: int, answer: CachedAnswer) -> None:
        cost = _cost(key, answer)
        if version != self._version or cost > self.max_bytes:
            return  # computed under a version that has moved on, or too big to keep
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= _cost(key, old)
        self._entries[key] = answer
        self._bytes += cost
        while self._bytes > self.max_bytes or len(self._entries) > self.max_entries:
            evicted_key, evicted = self._entries.popitem(last=False)
            self._bytes -= _cost(evicted_key, evicted)

    def _reset(self, version: int) -> None:
        self._entries.clear()
        self._bytes = 0
        self._version = version


def _cost(key: Key, answer: CachedAnswer) -> int:
    return len(key[0]) + len(key[2]) + len(answer.body) + _ENTRY_OVERHEAD


def find_operation(
    document: DocumentNode | None, name: str | None
) -> OperationDefinitionNode | None:
    """The operation a request runs: the one named, or the document's only one."""
    if document is None:
        return None
    found = operations(document)
    if name is None:
        return found[0] if len(found) == 1 else None
    return next((o for o in found if o.name and o.name.value == name), None)


def is_public_read(operation: OperationDefinitionNode | None) -> bool:
    if operation is None or operation.operation != OperationType.QUERY:
        return False
    fields = operation.selection_set.selections
    return all(isinstance(f, FieldNode) and f.name.value in PUBLIC_ROOT_FIELDS for f in fields)


class MarkCacheable(SchemaExtension):
    """Tell the front door whether the executed operation is a public read it may cache, or
    one that may have written."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        operation = find_operation(ctx.graphql_document, ctx.operation_name)
        context = ctx.context
        if hasattr(context, "cacheable"):
            context.cacheable = is_public_read(operation)
            context.may_write = operation is not None and operation.operation != OperationType.QUERY
        yield
