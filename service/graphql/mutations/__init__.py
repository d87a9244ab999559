"""The Mutation root: authenticated writes, each one audited transaction with a typed result.

One module per concern; each holds a Strawberry type of its mutations, merged here.
"""

import strawberry

from service.graphql.mutations.capabilities import CapabilityMutations
from service.graphql.mutations.collections import CollectionMutations
from service.graphql.mutations.licenses import LicenseMutations
from service.graphql.mutations.lineage import LineageMutations
from service.graphql.mutations.memberships import MembershipMutations
from service.graphql.mutations.models import ModelMutations
from service.graphql.mutations.organizations import OrganizationMutations
from service.graphql.mutations.prices import PriceMutations
from service.graphql.mutations.sources import SourceMutations
from service.graphql.mutations.tasks import TaskMutations
from service.graphql.mutations.variants import VariantMutations


@strawberry.type(
    description="Writes: each needs an admin token (`Authorization: Bearer <token>`) on a "
    "server with writes enabled, runs as one audited transaction, and answers a typed result: "
    "the object written (with `catalogVersion`) or InvalidInput, NotFound or Conflict."
)
class Mutation(
    # In the order the schema lists them.
    OrganizationMutations,
    LicenseMutations,
    SourceMutations,
    TaskMutations,
    CollectionMutations,
    ModelMutations,
    VariantMutations,
    CapabilityMutations,
    MembershipMutations,
    LineageMutations,
    PriceMutations,
):
    pass
