"""What a client sends to create or change a collection."""

import strawberry
from strawberry import UNSET

_NAME = 'Display name ("Multimodal Vision").'
_DESCRIPTION = "What the collection gathers."


@strawberry.input(description="A new collection.")
class CollectionInput:
    slug: str = strawberry.field(description="Lowercase unique slug ('multimodal-vision').")
    name: str = strawberry.field(description=_NAME)
    description: str | None = strawberry.field(default=None, description=_DESCRIPTION)


@strawberry.input(description="Only the fields sent change; null clears a field.")
class CollectionPatch:
    name: str | None = strawberry.field(default=UNSET, description=_NAME)
    description: str | None = strawberry.field(default=UNSET, description=_DESCRIPTION)
