"""What a client sends to create or change an organization."""

import strawberry
from strawberry import UNSET

_NAME = 'Display name ("OpenAI").'
_WEBSITE = "Home page URL."
_SOURCE = "Slug of the source that states the organization's facts (see `sources`)."


@strawberry.input(description="A new organization.")
class OrganizationInput:
    slug: str = strawberry.field(
        description="Lowercase unique slug ('openai'): letters, digits and hyphens."
    )
    name: str = strawberry.field(description=_NAME)
    website: str | None = strawberry.field(default=None, description=_WEBSITE)
    source: str | None = strawberry.field(default=None, description=_SOURCE)


@strawberry.input(description="Only the fields sent change; null clears a field.")
class OrganizationPatch:
    name: str | None = strawberry.field(default=UNSET, description=_NAME)
    website: str | None = strawberry.field(default=UNSET, description=_WEBSITE)
    source: str | None = strawberry.field(default=UNSET, description=_SOURCE)
