"""What recording a price answers."""

from typing import Annotated

import strawberry

from service.graphql.results.errors import Conflict, InvalidInput, NotFound
from service.graphql.results.written import catalog_version_field
from service.graphql.types.common import BigInt
from service.graphql.types.model import ModelType
from service.graphql.types.price import PriceType


@strawberry.type(description="The price was recorded.")
class PriceResult:
    model: ModelType = strawberry.field(description="The model priced, with its new `version`.")
    price: PriceType = strawberry.field(description="The price as recorded.")
    catalog_version: BigInt = catalog_version_field()


PriceMutationResult = Annotated[
    PriceResult | InvalidInput | NotFound | Conflict,
    strawberry.union(
        "PriceMutationResult",
        description="The price recorded, or why nothing was: InvalidInput, NotFound or Conflict.",
    ),
]
