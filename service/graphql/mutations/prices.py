"""Record a model's list price from a date."""

from typing import Annotated

import strawberry

from service.catalog import writes
from service.catalog.seed_schema import PriceEntry
from service.catalog.writes import Writer, validate
from service.graphql.auth import AdminWrite
from service.graphql.fields import mutation
from service.graphql.info import CtxInfo
from service.graphql.input_types.prices import PriceInput
from service.graphql.inputs import sent
from service.graphql.mutations.arguments import ExpectedVersion, ModelName
from service.graphql.mutations.write import write
from service.graphql.results.prices import PriceMutationResult, PriceResult
from service.graphql.types.model import ModelType
from service.graphql.types.price import PriceType
from service.models import Model


@strawberry.type
class PriceMutations:
    @mutation(
        description="Record a price from a date; the one before it closes then.",
        permission_classes=[AdminWrite],
    )
    async def set_price(
        self,
        info: CtxInfo,
        model: ModelName,
        input: Annotated[
            PriceInput, strawberry.argument(description="The price and the day it starts.")
        ],
        expected_version: ExpectedVersion = None,
    ) -> PriceMutationResult:
        def action(w: Writer) -> tuple[Model, PriceType]:
            price_in = validate(PriceEntry, sent(input))
            assert price_in.effective_from is not None  # the GraphQL input requires it
            price = writes.set_price(
                w,
                model,
                expected_version=expected_version,
                effective_from=price_in.effective_from,
                variant=price_in.variant,
                currency=price_in.currency,
                input_per_mtok=price_in.input_per_mtok,
                output_per_mtok=price_in.output_per_mtok,
                cached_input_per_mtok=price_in.cached_input_per_mtok,
                source=price_in.source,
            )
            found = w.session.get(Model, price.model_id)  # already loaded and locked
            assert found is not None  # the model the price was just written for
            return found, PriceType(row=price, variant=price_in.variant)

        # The model is shown once the write is done (its version bumped).
        return await write(
            info,
            "setPrice",
            action,
            lambda written: PriceResult(model=ModelType(row=written[0]), price=written[1]),
        )
