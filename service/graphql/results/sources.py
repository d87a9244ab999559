"""What a write of a source answers."""

from typing import Annotated

import strawberry

from service.graphql.results.errors import Conflict, InvalidInput, NotFound
from service.graphql.results.written import catalog_version_field
from service.graphql.types.common import BigInt
from service.graphql.types.source import SourceType


@strawberry.type(description="The source was written.")
class SourceResult:
    source: SourceType = strawberry.field(description="The source as written.")
    catalog_version: BigInt = catalog_version_field()


SourceMutationResult = Annotated[
    SourceResult | InvalidInput | NotFound | Conflict,
    strawberry.union(
        "SourceMutationResult",
        description="The source written, or why nothing was: InvalidInput, NotFound or Conflict.",
    ),
]
