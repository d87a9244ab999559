"""Create and change licenses."""

import strawberry

from service.catalog.seed_schema import LicenseEntry
from service.graphql.input_types.licenses import LicenseInput, LicensePatch
from service.graphql.mutations.simple import Kind, create, update
from service.graphql.results.licenses import LicenseMutationResult, LicenseResult
from service.graphql.types.license import LicenseType
from service.models import License

KIND = Kind(
    name="license",
    table=License,
    schema=LicenseEntry,
    result=lambda row: LicenseResult(license=LicenseType(row=row)),
    input=LicenseInput,
    patch=LicensePatch,
    union=LicenseMutationResult,
)


@strawberry.type
class LicenseMutations:
    create_license = create(KIND, "Add a license models can be released under.")
    update_license = update(KIND, "Change a license's fields.")
