"""Create and change sources."""

import strawberry

from service.catalog.seed_schema import SourceEntry
from service.graphql.input_types.sources import SourceInput, SourcePatch
from service.graphql.mutations.simple import Kind, create, update
from service.graphql.results.sources import SourceMutationResult, SourceResult
from service.graphql.types.source import SourceType
from service.models import Source

KIND = Kind(
    name="source",
    table=Source,
    schema=SourceEntry,
    result=lambda row: SourceResult(source=SourceType(row=row)),
    input=SourceInput,
    patch=SourcePatch,
    union=SourceMutationResult,
)


@strawberry.type
class SourceMutations:
    create_source = create(KIND, "Add a source facts can be cited from.")
    update_source = update(KIND, "Change a source's fields.")
