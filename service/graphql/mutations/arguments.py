"""Arguments the model mutations share, each described once."""

from typing import Annotated

import strawberry

ModelName = Annotated[
    str, strawberry.argument(description="The model: its slug or any alias, in any case.")
]
ExpectedVersion = Annotated[
    int | None,
    strawberry.argument(
        description="The model version you read; a newer one is a Conflict (nothing written). "
        "Omit to write whatever the version."
    ),
]
# Its parameter is named `cited_source`, not `source`: Strawberry's field extensions (the
# AdminWrite permission) take the parent object as `source` and fail on an argument so named.
SourceSlug = Annotated[
    str | None,
    strawberry.argument(
        name="source", description="Slug of the source that states it (see `sources`)."
    ),
]
Quote = Annotated[
    str | None,
    strawberry.argument(description="The source's own words that state it, cited with `source`."),
]
