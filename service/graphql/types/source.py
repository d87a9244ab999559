"""Sources: where the catalog's facts come from, and the citation of one fact."""

from datetime import date

import strawberry

from service.graphql.fields import field
from service.graphql.info import CtxInfo
from service.graphql.types.relay import Node
from service.models import Source


@strawberry.type(
    name="Source",
    description="Where facts come from: a maker's page, a paper, or an imported data set "
    "(models.dev, LiteLLM, Epoch AI).",
)
class SourceType(Node):
    row: strawberry.Private[Source]

    @field(description="Lowercase unique slug; lookups by slug take any case.")
    def slug(self) -> str:
        return self.row.slug

    @field(description="What the source is called.")
    def title(self) -> str:
        return self.row.title

    @field(description="Where it is published, when online.")
    def url(self) -> str | None:
        return self.row.url

    @field(description="The copy kept with the catalog (a path under shared/), when one is.")
    def document(self) -> str | None:
        return self.row.document

    @field(description="Commit, release or edition of the source.")
    def version(self) -> str | None:
        return self.row.version

    @field(description="When the catalog read it.")
    def retrieved_on(self) -> date | None:
        return self.row.retrieved_on


async def source_of(info: CtxInfo, source_id: int | None) -> SourceType | None:
    """The source with this id, read with the request's other sources in one statement."""
    if source_id is None:
        return None
    row = await info.context.loaders.source.load(source_id)
    return SourceType(row=row) if row else None


@strawberry.type(description="A fact's source: a curated quote, or an imported data set's value.")
class Citation:
    field: str = strawberry.field(
        description="The fact cited, as the catalog names it (snake_case: 'context_window', "
        "'release_date', 'pricing')."
    )
    quote: str | None = strawberry.field(description="The words that state it (curated).")
    source: SourceType = strawberry.field(description="The source the fact is taken from.")
    value: str | None = strawberry.field(
        default=None, description="What an imported data set states, as text."
    )
    external_id: str | None = strawberry.field(
        default=None, description="The data set's own name for the model."
    )
