"""The typed results of mutations: what was written, or an error, one module per concern."""
