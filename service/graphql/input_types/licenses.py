"""What a client sends to create or change a license."""

import strawberry
from strawberry import UNSET

from service.graphql.types.common import CommercialUse, LicenseKind
from service.models import base as vocab

_NAME = 'Display name ("Apache 2.0").'
_KIND = "Open source, custom (the maker's own terms) or proprietary."
_SPDX = "SPDX identifier ('Apache-2.0'), when the license has one."
_COMMERCIAL_USE = "Whether the license allows commercial use."
_TERMS = "The conditions on commercial use, when CONDITIONAL."
_URL = "Where the license text is published."
_SOURCE = "Slug of the source that states the license's facts."


@strawberry.input(description="A new license.")
class LicenseInput:
    slug: str = strawberry.field(
        description="Lowercase unique slug ('apache-2.0'): letters, digits, dots and hyphens."
    )
    name: str = strawberry.field(description=_NAME)
    kind: LicenseKind = strawberry.field(description=_KIND)
    spdx_id: str | None = strawberry.field(default=None, description=_SPDX)
    commercial_use: CommercialUse = strawberry.field(
        default=vocab.CommercialUse.UNKNOWN, description=_COMMERCIAL_USE + " Default: UNKNOWN."
    )
    commercial_terms: str | None = strawberry.field(default=None, description=_TERMS)
    url: str | None = strawberry.field(default=None, description=_URL)
    source: str | None = strawberry.field(default=None, description=_SOURCE)


@strawberry.input(description="Only the fields sent change; null clears a field.")
class LicensePatch:
    name: str | None = strawberry.field(default=UNSET, description=_NAME)
    kind: LicenseKind | None = strawberry.field(default=UNSET, description=_KIND)
    spdx_id: str | None = strawberry.field(default=UNSET, description=_SPDX)
    commercial_use: CommercialUse | None = strawberry.field(
        default=UNSET, description=_COMMERCIAL_USE
    )
    commercial_terms: str | None = strawberry.field(default=UNSET, description=_TERMS)
    url: str | None = strawberry.field(default=UNSET, description=_URL)
    source: str | None = strawberry.field(default=UNSET, description=_SOURCE)
