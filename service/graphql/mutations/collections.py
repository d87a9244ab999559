"""Create and change collections."""

import strawberry

from service.catalog.seed_schema import CollectionEntry
from service.graphql.input_types.collections import CollectionInput, CollectionPatch
from service.graphql.mutations.simple import Kind, create, update
from service.graphql.results.collections import CollectionMutationResult, CollectionResult
from service.graphql.types.collection import CollectionType
from service.models import Collection

KIND = Kind(
    name="collection",
    table=Collection,
    schema=CollectionEntry,
    result=lambda row: CollectionResult(collection=CollectionType(row=row)),
    input=CollectionInput,
    patch=CollectionPatch,
    union=CollectionMutationResult,
)


@strawberry.type
class CollectionMutations:
    create_collection = create(KIND, "Add a collection to group models in.")
    update_collection = update(KIND, "Change a collection's fields.")
