"""The GraphQL door: thin types over the catalog's set-based reads."""
