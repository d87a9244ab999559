"""What a write of a license answers."""

from typing import Annotated

import strawberry

from service.graphql.results.errors import Conflict, InvalidInput, NotFound
from service.graphql.results.written import catalog_version_field
from service.graphql.types.common import BigInt
from service.graphql.types.license import LicenseType


@strawberry.type(description="The license was written.")
class LicenseResult:
    license: LicenseType = strawberry.field(description="The license as written.")
    catalog_version: BigInt = catalog_version_field()


LicenseMutationResult = Annotated[
    LicenseResult | InvalidInput | NotFound | Conflict,
    strawberry.union(
        "LicenseMutationResult",
        description="The license written, or why nothing was: InvalidInput, NotFound or Conflict.",
    ),
]
