"""What a client sends to create or change a source."""

from datetime import date

import strawberry
from strawberry import UNSET

_TITLE = "What the source is called."
_URL = "Where it is published, when online."
_DOCUMENT = "The copy kept with the catalog (a path under shared/), when one is."
_VERSION = "Commit, release or edition of the source."
_RETRIEVED_ON = "When it was read."
_NOTE = "A remark on the source (its scope, its caveats)."


@strawberry.input(description="A new source, to cite facts from.")
class SourceInput:
    slug: str = strawberry.field(description="Lowercase unique slug ('models-dev').")
    title: str = strawberry.field(description=_TITLE)
    url: str | None = strawberry.field(default=None, description=_URL)
    document: str | None = strawberry.field(default=None, description=_DOCUMENT)
    version: str | None = strawberry.field(default=None, description=_VERSION)
    retrieved_on: date | None = strawberry.field(default=None, description=_RETRIEVED_ON)
    note: str | None = strawberry.field(default=None, description=_NOTE)


@strawberry.input(description="Only the fields sent change; null clears a field.")
class SourcePatch:
    title: str | None = strawberry.field(default=UNSET, description=_TITLE)
    url: str | None = strawberry.field(default=UNSET, description=_URL)
    document: str | None = strawberry.field(default=UNSET, description=_DOCUMENT)
    version: str | None = strawberry.field(default=UNSET, description=_VERSION)
    retrieved_on: date | None = strawberry.field(default=UNSET, description=_RETRIEVED_ON)
    note: str | None = strawberry.field(default=UNSET, description=_NOTE)
