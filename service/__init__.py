"""model-catalog: a PostgreSQL-backed catalog of AI models with a GraphQL API."""
