"""GraphQL input objects, one module per concern."""
