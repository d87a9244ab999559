"""Licenses: the terms models are released under, each with its models."""

import strawberry

from service.catalog.pages import DEFAULT_PAGE, PageRequest
from service.graphql.fields import field
from service.graphql.info import CtxInfo
from service.graphql.types import model_pages
from service.graphql.types.common import CommercialUse, LicenseKind
from service.graphql.types.relay import (
    AfterArgument,
    BeforeArgument,
    FirstArgument,
    LastArgument,
    Node,
)
from service.graphql.types.source import SourceType, source_of
from service.models import License
from service.models import base as vocab


@strawberry.type(name="License", description="The terms a model is released under.")
class LicenseType(Node):
    row: strawberry.Private[License]

    @field(description="Lowercase unique slug; lookups by slug take any case.")
    def slug(self) -> str:
        return self.row.slug

    @field(description="Display name.")
    def name(self) -> str:
        return self.row.name

    @field(description="Open source, custom (its own terms) or proprietary.")
    def kind(self) -> LicenseKind:
        return vocab.LicenseKind(self.row.kind)

    @field(description="SPDX identifier, when the license has one.")
    def spdx_id(self) -> str | None:
        return self.row.spdx_id

    @field(description="Whether the license allows commercial use.")
    def commercial_use(self) -> CommercialUse:
        return vocab.CommercialUse(self.row.commercial_use)

    @field(description="The conditions on commercial use, when there are any.")
    def commercial_terms(self) -> str | None:
        return self.row.commercial_terms

    @field(description="The license text.")
    def url(self) -> str | None:
        return self.row.url

    @field(description="Where the license's facts come from.")
    async def source(self, info: CtxInfo) -> SourceType | None:
        return await source_of(info, self.row.source_id)

    @field(description=model_pages.DESCRIPTION)
    async def models(
        self,
        info: CtxInfo,
        first: FirstArgument = DEFAULT_PAGE,
        after: AfterArgument = None,
        last: LastArgument = None,
        before: BeforeArgument = None,
    ) -> model_pages.Connection:
        request = PageRequest(first, after, last, before)
        return await model_pages.models_of(info.context, "license", self.row.id, request)
