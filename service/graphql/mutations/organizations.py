"""Create and change organizations."""

import strawberry

from service.catalog.seed_schema import OrganizationEntry
from service.graphql.input_types.organizations import OrganizationInput, OrganizationPatch
from service.graphql.mutations.simple import Kind, create, update
from service.graphql.results.organizations import OrganizationMutationResult, OrganizationResult
from service.graphql.types.organization import OrganizationType
from service.models import Organization

KIND = Kind(
    name="organization",
    table=Organization,
    schema=OrganizationEntry,
    result=lambda row: OrganizationResult(organization=OrganizationType(row=row)),
    input=OrganizationInput,
    patch=OrganizationPatch,
    union=OrganizationMutationResult,
)


@strawberry.type
class OrganizationMutations:
    create_organization = create(KIND, "Add an organization (a maker or provider of models).")
    update_organization = update(KIND, "Change an organization's fields.")
