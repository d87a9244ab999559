"""Importers of public model catalogs (models.dev, LiteLLM, Epoch AI) into the catalog.

Each format module reads its file into `ModelRecord`s; `write` puts them in the database
through the catalog's write helpers, in one transaction per run.
"""
