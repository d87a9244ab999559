"""What a write of a model answers."""

from typing import Annotated

import strawberry

from service.graphql.results.errors import Conflict, InvalidInput, NotFound
from service.graphql.results.written import catalog_version_field
from service.graphql.types.common import BigInt
from service.graphql.types.model import ModelType


@strawberry.type(description="The model was written.")
class ModelResult:
    model: ModelType = strawberry.field(description="The model as written, with its new `version`.")
    catalog_version: BigInt = catalog_version_field()


ModelMutationResult = Annotated[
    ModelResult | InvalidInput | NotFound | Conflict,
    strawberry.union(
        "ModelMutationResult",
        description="The model written, or why nothing was: InvalidInput, NotFound or Conflict.",
    ),
]
