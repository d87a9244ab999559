"""`node(id:)` and `nodes(ids:)`: objects by global id, each type read by its DataLoader, so
any number of ids costs one statement per type named."""

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from service.catalog.errors import UserInputError
from service.graphql.context import Context
from service.graphql.types.collection import CollectionType
from service.graphql.types.license import LicenseType
from service.graphql.types.model import ModelType
from service.graphql.types.offer import OfferType, ProviderType
from service.graphql.types.organization import OrganizationType
from service.graphql.types.relay import Node, parse_global_id
from service.graphql.types.source import SourceType
from service.graphql.types.task import TaskType

MAX_NODES = 100
# Every Node type's primary key is an INTEGER column: a larger key names nothing (and is not
# sent, where PostgreSQL would refuse it as out of range).
MAX_KEY = 2**31 - 1


async def _load(context: Context, type_name: str, key: int) -> Node | None:
    if key > MAX_KEY:
        return None
    loaders = context.loaders
    row: Any
    if type_name == "Provider":
        row = await loaders.provider.load((key, context.today))
        return ProviderType(row=row) if row is not None else None
    # The rows differ by type (Any); each loader's rows are what its wrapper takes.
    by_type: dict[str, tuple[DataLoader[int, Any], Callable[..., Node]]] = {
        "Model": (loaders.model, ModelType),
        "Organization": (loaders.organization, OrganizationType),
        "License": (loaders.license, LicenseType),
        "Task": (loaders.task, TaskType),
        "Collection": (loaders.collection, CollectionType),
        "Offer": (loaders.offer, OfferType),
        "Source": (loaders.source, SourceType),
    }
    loader, wrap = by_type[type_name]
    row = await loader.load(key)
    return wrap(row=row) if row is not None else None


async def node(context: Context, global_id: str) -> Node | None:
    """The object a global id names, or None when it names nothing (any more)."""
    type_name, key = parse_global_id(global_id, "id")
    return await _load(context, type_name, key)


async def nodes(context: Context, global_ids: Sequence[str]) -> list[Node | None]:
    """The objects the ids name, in order (None where one names nothing); every id is checked
    before anything is read."""
    if len(global_ids) > MAX_NODES:
        raise UserInputError(
            f"ids takes at most {MAX_NODES} ids (got {len(global_ids)}); ask in several requests",
            "ids",
        )
    parsed = [parse_global_id(value, f"ids[{i}]") for i, value in enumerate(global_ids)]
    return list(await asyncio.gather(*(_load(context, t, k) for t, k in parsed)))
