"""The ids the makers' own entries list, read from the shipped files without the importers'
grouping, and the models that hold two of them a listing names apart.

A maker-listed id: a models.dev `models/<lab>/` file, a models.dev or LiteLLM entry of a
provider that is a lab (`lab: true` in the synonyms) for a model no other maker's name or route
claims, and an Epoch AI row. Two such ids on one model are fine only when the data links them
(a `base_model`, a dated snapshot of the same id) or they are one id spelled two ways (the same
identity key, its words in any order, or a tuning variant: `phi-4-mini` / `phi-4-mini-instruct`)
that no single listing names apart.
"""

import json
import tomllib
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from service.catalog.identity import (
    maker_by_name,
    maker_in_route,
    model_key,
    not_a_model,
    org_slug,
    synonyms,
    undated,
    without_experts,
)
from service.importers import epoch, litellm


@dataclass(frozen=True)
class Listed:
    listing: str  # the data set and the maker (or provider) whose entries name it
    name: str  # as the file writes it: a route, a lab file's id, an Epoch name (an alias)
    key: str  # its identity key


def maker_listed(root: Path) -> tuple[list[Listed], set[frozenset[str]]]:
    """Every maker-listed id of the four files, and the pairs of keys the data links."""
    listed: list[Listed] = []
    links: set[frozenset[str]] = set()
    labs = root / "models.dev" / "models"
    for file in sorted(labs.glob("*/**/*.toml")):
        route = file.relative_to(labs).with_suffix("").as_posix()
        lab = org_slug(route.split("/", 1)[0])
        listed.append(Listed(f"models.dev {lab}", route, model_key(route)))
    providers = root / "models.dev" / "providers"
    for file in sorted(providers.glob("*/models/**/*.toml")):
        provider = file.relative_to(providers).parts[0]
        route = f"{provider}/{file.relative_to(providers / provider / 'models').with_suffix('')}"
        base = tomllib.loads(file.read_text(encoding="utf-8")).get("base_model")
        if base:
            links.add(frozenset({model_key(route), model_key(str(base))}))
        if (org := _own(org_slug(provider), route)) is not None:
            listed.append(Listed(f"models.dev {org}", route, model_key(route)))
    table = root / "litellm" / "model_prices_and_context_window.json"
    for route, entry in json.loads(table.read_text(encoding="utf-8")).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("litellm_provider"), str):
            continue
        if not_a_model(route) is None and (org := _own(litellm.provider_org(entry), route)):
            listed.append(Listed(f"litellm {org}", route, model_key(route)))
    for csv in (
        root / "epoch-ai-all-models" / "all_ai_models.csv",
        root / "epoch-ai-notable-models" / "data" / "notable_ai_models_24_02_2025.csv",
    ):
        parsed = epoch.parse(csv)
        for record in parsed.records:
            key = model_key(record.name, route=False)
            # a row stating nothing but an API id ("mistral-large-2407": no organization, date or
            # access; Epoch's benchmark entries) names that id, not a release apart from the
            # named row of it ("Mistral Large 2", 2024-07-24)
            stub = record.organization is None and record.release_date is None
            listing = f"{parsed.source.slug} ids" if stub else parsed.source.slug
            listed.append(Listed(listing, record.name, key))
    return listed, links


def _own(org: str | None, route: str) -> str | None:
    """The lab whose own provider lists the route, if the route names no other maker."""
    if org is None or org not in synonyms().labs:
        return None
    if maker_in_route(route, host=False) not in (None, org) or maker_by_name(route) not in (
        None,
        org,
    ):
        return None
    return org


def collapsed(
    listed: list[Listed], links: set[frozenset[str]], names: dict[str, int]
) -> dict[int, list[str]]:
    """Model id -> the maker-listed names it holds that tell two models apart."""
    by_listing: dict[str, set[str]] = {}
    for item in listed:
        by_listing.setdefault(item.listing, set()).add(item.key)
    named_apart = {pair for keys in by_listing.values() for pair in combinations(sorted(keys), 2)}
    held: dict[int, dict[str, str]] = {}
    for item in listed:
        if (model := names.get(item.name.lower())) is not None:
            held.setdefault(model, {}).setdefault(item.key, item.name)
    wrong: dict[int, list[str]] = {}
    for model, keys in held.items():
        for a, b in combinations(sorted(keys), 2):
            if (a, b) not in named_apart or _linked(a, b, links):
                continue
            wrong.setdefault(model, []).extend([keys[a], keys[b]])
    return {model: sorted(set(found)) for model, found in wrong.items()}


def _linked(a: str, b: str, links: set[frozenset[str]]) -> bool:
    # an expert count is a spelling where only one is known (matching.Index.by_experts)
    experts = without_experts(a) == b or without_experts(b) == a
    return frozenset({a, b}) in links or undated(a) == b or undated(b) == a or experts
