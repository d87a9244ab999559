"""What a write of a collection answers."""

from typing import Annotated

import strawberry

from service.graphql.results.errors import Conflict, InvalidInput, NotFound
from service.graphql.results.written import catalog_version_field
from service.graphql.types.collection import CollectionType
from service.graphql.types.common import BigInt


@strawberry.type(description="The collection was written.")
class CollectionResult:
    collection: CollectionType = strawberry.field(description="The collection as written.")
    catalog_version: BigInt = catalog_version_field()


CollectionMutationResult = Annotated[
    CollectionResult | InvalidInput | NotFound | Conflict,
    strawberry.union(
        "CollectionMutationResult",
        description="The collection written, or why not: InvalidInput, NotFound or Conflict.",
    ),
]
