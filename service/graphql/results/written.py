"""What every successful write answers besides the object: the catalog version it produced."""

from typing import Any, Protocol

import strawberry

from service.graphql.types.common import BigInt


class Written(Protocol):
    """A mutation's successful result: the write runner sets its catalog version."""

    catalog_version: BigInt


def catalog_version_field() -> Any:
    """The `catalogVersion` field of a successful result (set once the write commits)."""
    return strawberry.field(
        default=0,
        description="The catalog version this write produced: send it back as the "
        "X-Catalog-Version header to read the write from any replica (read your writes).",
    )
