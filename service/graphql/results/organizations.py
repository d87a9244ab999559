"""What a write of an organization answers."""

from typing import Annotated

import strawberry

from service.graphql.results.errors import Conflict, InvalidInput, NotFound
from service.graphql.results.written import catalog_version_field
from service.graphql.types.common import BigInt
from service.graphql.types.organization import OrganizationType


@strawberry.type(description="The organization was written.")
class OrganizationResult:
    organization: OrganizationType = strawberry.field(description="The organization as written.")
    catalog_version: BigInt = catalog_version_field()


OrganizationMutationResult = Annotated[
    OrganizationResult | InvalidInput | NotFound | Conflict,
    strawberry.union(
        "OrganizationMutationResult",
        description="The organization written, or why not: InvalidInput, NotFound or Conflict.",
    ),
]
