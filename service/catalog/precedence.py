"""Which data set wins when sources disagree: the order the fill rule and the imports share."""

# Highest first. The curated seed outranks all of these (it is never overwritten).
PRECEDENCE = [
    "models-dev",
    "epoch-ai-all-models",
    "epoch-ai-notable-models",
    "litellm",
]
CURATED = "the curated seed"


def rank(source_slug: str) -> int:
    """A source's place in PRECEDENCE (0 is highest); a source not listed ranks last."""
    return PRECEDENCE.index(source_slug) if source_slug in PRECEDENCE else len(PRECEDENCE)
