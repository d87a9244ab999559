"""The workload `compare` prices for each model."""

import strawberry


@strawberry.input(description="A workload to price: token counts, each 0 or more.")
class WorkloadInput:
    input_tokens: int = strawberry.field(
        default=0, description="Input (prompt) tokens, priced at the input price per 1M."
    )
    output_tokens: int = strawberry.field(
        default=0, description="Output (generated) tokens, priced at the output price per 1M."
    )
    cached_input_tokens: int = strawberry.field(
        default=0,
        description="Input tokens read from the prompt cache, priced at the cached input "
        "price per 1M.",
    )
