"""LiteLLM's model_prices_and_context_window.json: one entry per provider route.

Routes with the same identity key are one model (gpt-4o, azure/gpt-4o, openrouter/openai/gpt-4o);
the maker's own id inside a route is that key (bedrock/…/anthropic.claude-3-5-sonnet-20241022-v2:0,
fireworks_ai/…/llama-v3p1-405b-instruct). Facts (context window, modalities) come only from the
maker's own routes (provider openai for an OpenAI model, gemini or vertex_ai for Google's); every
route is an offer of its provider, with that provider's price and limits.
"""

import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from service.catalog.errors import CatalogError, Problem
from service.catalog.identity import (
    apart_by_tuning,
    display_name,
    join_tuning_variants,
    known_org,
    maker_by_name,
    maker_id,
    maker_in_route,
    model_key,
    not_a_model,
    org_display_name,
)
from service.importers.makers import (
    Entry,
    agreed_rank,
    clouds,
    company_of,
    dispute_text,
    ranked,
    same_tokens,
)
from service.importers.provenance import source_info
from service.importers.records import (
    ModelRecord,
    OfferClaim,
    Parsed,
    PriceClaim,
    Skipped,
    per_mtok,
    says_free,
    stated_price,
    token_count,
)
from service.models.base import CitedField as F

SLUG = "litellm"
COMMIT = "8442b939a6ead479f7995b5d74d8dce488bd0966"
NOT_MODELS = {"sample_spec", "fallback_generalizations", "last_updated"}
_PROVIDER_ORG = {"vertex_ai": "google", "gemini": "google", "text-completion-openai": "openai"}
_TEXT_MODES = {"chat", "completion", "responses", "realtime"}
_TASKS_BY_MODE = {"ocr": "ocr"}


def parse(path: Path, advance: Callable[[int], None] = lambda n: None) -> Parsed:
    entries = _load(path)
    parsed = Parsed(
        source_info(
            path,
            SLUG,
            "LiteLLM model prices and context windows",
            "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json",
            COMMIT,
            "MIT licence. Copied from the mirror RoCry/llm-api-price; prices in USD per token.",
        ),
        path,
        entries=len(entries),
    )
    groups: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    doubted = _mislabelled(entries)
    for route, entry in entries.items():
        advance(1)
        where = f"{path.name}: {route}"
        if route in NOT_MODELS:
            parsed.skipped.append(Skipped(where, "not a model entry (documentation or metadata)"))
        elif not isinstance(entry, dict):
            parsed.skipped.append(Skipped(where, "entry is not an object"))
        elif not isinstance(entry.get("litellm_provider"), str):
            parsed.skipped.append(Skipped(where, "no litellm_provider"))
        elif not model_key(route):
            parsed.skipped.append(Skipped(where, "no model name in the route"))
        elif (kind := not_a_model(route)) is not None:
            parsed.skipped.append(Skipped(where, kind))
        elif (reason := _fails(route, entry)) is not None:
            parsed.skipped.append(Skipped(where, reason))
        else:
            try:
                _price(entry, route)
            except (ValueError, ArithmeticError) as exc:
                # a price that cannot be read is left out; the route is still a route
                parsed.skipped.append(Skipped(where, f"{exc}; the route is kept, without a price"))
                entry = {k: v for k, v in entry.items() if k not in _PRICE_FIELDS}
            if route in doubted:
                parsed.skipped.append(Skipped(where, doubted[route]))
                entry = {"litellm_provider": entry["litellm_provider"]}
            groups.setdefault(model_key(route), []).append((route, entry))
    apart = apart_by_tuning(_listings(groups, _clouds(groups)))
    groups = join_tuning_variants(groups, apart)
    cloud = _clouds(groups)
    for key in sorted(groups):
        record = _record(sorted(groups[key]), cloud)
        record.foldable = key not in apart
        parsed.records.append(record)
    return parsed


def _family(route: str) -> str:
    """The family word of a route's model: its first word that names no organization
    ("databricks-bge-large-en" -> "bge", "gemini-1.5-flash" -> "gemini")."""
    words = [w for w in re.split(r"[-_.:\d]+", maker_id(route)) if w]
    return next((w for w in words if not known_org(w)), words[0] if words else "")


def _mislabelled(entries: dict[str, Any]) -> dict[str, str]:
    """Routes whose mode contradicts their provider's own listing, each with the reason.

    An entry labelled an embedding model, whose id does not say so ("embed"), of a family its
    provider lists otherwise only as text-generating models ("gemini/gemini-1.5-flash" among
    Google's Gemini chat models) is mislabelled: which of its figures belong to which model
    is unknown, so it states none (no context window, modalities or price); its route is kept.
    """
    text_families: dict[str, set[str]] = {}
    for route, entry in entries.items():
        if isinstance(entry, dict) and entry.get("mode") in _TEXT_MODES:
            text_families.setdefault(str(entry.get("litellm_provider")), set()).add(_family(route))
    doubted = {}
    for route, entry in entries.items():
        if (
            isinstance(entry, dict)
            and entry.get("mode") == "embedding"
            and "embed" not in route.lower()
            and _family(route) in text_families.get(str(entry.get("litellm_provider")), set())
        ):
            doubted[route] = (
                f"labelled an embedding model, of a family {entry['litellm_provider']} lists "
                "as text models: the label is in doubt, so the entry states no facts "
                "(the route is kept)"
            )
    return doubted


def _clouds(groups: dict[str, list[tuple[str, dict[str, Any]]]]) -> frozenset[str]:
    """Providers serving more than one maker's models (service.importers.makers.clouds)."""
    serving: dict[str, set[str]] = {}
    for group in groups.values():
        if (maker := _group_maker(group)) is not None:
            for _, entry in group:
                serving.setdefault(entry["litellm_provider"], set()).add(maker)
    return clouds(serving)


def _listings(
    groups: dict[str, list[tuple[str, dict[str, Any]]]], cloud: frozenset[str]
) -> list[list[str]]:
    """The keys each listing names: each provider's routes, and the maker's own routes (its
    own providers together: OpenAI's `openai` and `text-completion-openai`)."""
    listings: dict[str, list[str]] = {}
    for key, group in groups.items():
        maker = _group_maker(group)
        for _, entry in group:
            listings.setdefault(f"provider {entry['litellm_provider']}", []).append(key)
            if _rank(entry, maker, cloud) == 0:
                listings.setdefault(f"maker {maker}", []).append(key)
    return list(listings.values())


def _load(path: Path) -> dict[str, Any]:
    def refuse(why: str) -> CatalogError:
        return CatalogError(
            [Problem(str(path), "", f"not a LiteLLM model_prices_and_context_window.json: {why}")]
        )

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise refuse(f"cannot read it ({exc})") from None
    try:
        data = json.loads(text, parse_float=Decimal)  # exact: 2.5e-06 stays 0.0000025
    except json.JSONDecodeError as exc:
        raise refuse(f"not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise refuse("the top level is not an object keyed by model name")
    routed = sum(1 for v in data.values() if isinstance(v, dict) and "litellm_provider" in v)
    if routed == 0 or routed < (len(data) - len(NOT_MODELS)) / 2:
        raise refuse("its entries have no litellm_provider")
    return data


def _fails(route: str, entry: dict[str, Any]) -> str | None:
    """Why a route cannot be read on its own (a negative token limit, ...), or None."""
    try:
        _record([(route, {k: v for k, v in entry.items() if k not in _PRICE_FIELDS})])
    except (ValueError, ArithmeticError) as exc:
        return str(exc)
    return None


def _group_maker(group: list[tuple[str, dict[str, Any]]]) -> str | None:
    """Who made the model: a maker named in a route first (never the host serving it), else
    its family name, else a maker's own API provider (Vertex AI is Google's only for Google's
    own families: it also serves Anthropic, Meta and Mistral models)."""
    for route, _ in group:
        if org := maker_in_route(route, host=False):
            return org
    for route, entry in group:  # a bare id is the maker's own API ("sora-2": openai)
        if "/" not in route and (org := provider_org(entry)) and org != "google":
            return org
    if org := maker_by_name(group[0][0]):
        return org
    for route, _ in group:
        if org := maker_in_route(route):
            return org
    return None


def provider_org(entry: dict[str, Any]) -> str | None:
    """The organization of a LiteLLM provider: 'vertex_ai-anthropic_models' -> google."""
    provider = entry["litellm_provider"]
    family = provider.split("-", 1)[0] if provider.startswith("vertex_ai") else provider
    return _PROVIDER_ORG.get(family) or known_org(family)


def _rank(entry: dict[str, Any], maker: str | None, cloud: frozenset[str]) -> int | None:
    """0: the maker's own API; 1: a cloud of the maker's company (it serves others' models
    too: azure_ai, bedrock); None: not the maker's (service.importers.makers)."""
    if maker is None:
        return None
    org = provider_org(entry)
    if org == maker and entry["litellm_provider"] not in cloud:
        return 0
    if org is not None and company_of(org) == company_of(maker):
        return 1
    return None


def _record(
    group: list[tuple[str, dict[str, Any]]], cloud: frozenset[str] = frozenset()
) -> ModelRecord:
    maker = _group_maker(group)
    entries = sorted(
        (
            Entry(route, rank, entry)
            for route, entry in group
            if (rank := _rank(entry, maker, cloud)) is not None
        ),
        key=lambda e: (e.rank, "/" in e.route, e.route),
    )
    makers = sorted(
        ((e.route, e.data) for e in entries if provider_org(e.data) == maker),
        key=lambda item: ("/" in item[0], item[0]),
    )
    route, primary = makers[0] if makers else sorted(group, key=lambda i: ("/" in i[0], i))[0]
    context, stated, rank = agreed_rank(
        ranked(entries), lambda e: _limit(e, "max_input_tokens"), same_tokens
    )
    mode = primary.get("mode")
    inputs, outputs = _modalities(makers[0][1]) if makers else (None, None)
    # facts only a cloud of the maker's company states (azure_ai for Microsoft's Phi-4)
    cloud_only: set[str] = {F.CONTEXT_WINDOW} if rank == 1 else set()
    if makers and {e.route: e.rank for e in entries}[makers[0][0]] == 1:
        cloud_only |= {F.INPUT_MODALITIES, F.OUTPUT_MODALITIES}
    return ModelRecord(
        external_id=route,
        name=display_name(route),  # the maker's id, formatted; the route stays an alias
        names=[r for r, _ in group],
        organization=maker,
        input_modalities=inputs,
        output_modalities=outputs,
        context_window=context,
        price=next((p for r, e in makers if (p := _price(e, r)) is not None), None),
        tasks=[_TASKS_BY_MODE[mode]] if mode in _TASKS_BY_MODE else [],
        offers=[_offer(r, e) for r, e in sorted(group)],
        first_party=bool(makers),
        disputed={F.CONTEXT_WINDOW: dispute_text(stated)} if stated else {},
        cloud_only=cloud_only,
    )


def _limit(entry: dict[str, Any], name: str) -> int | None:
    return token_count(entry.get(name), name)


def _offer(route: str, entry: dict[str, Any]) -> OfferClaim:
    provider = entry["litellm_provider"]
    org = provider_org(entry)
    return OfferClaim(
        provider=org or provider,
        provider_name=org_display_name(org, provider) if org else _display(provider),
        route=route,
        price=_price(entry, route),
        context_window=_limit(entry, "max_input_tokens"),
        max_output_tokens=_limit(entry, "max_output_tokens"),
    )


def _display(provider: str) -> str:
    """'nscale' -> 'Nscale', 'lambda_ai' -> 'Lambda AI': a readable name for an id."""
    words = provider.replace("_", " ").replace("-", " ").split()
    return " ".join(w.upper() if w in {"ai", "ml", "llm"} else w.capitalize() for w in words)


def _modalities(entry: dict[str, Any]) -> tuple[list[str] | None, list[str] | None]:
    stated_in = entry.get("supported_modalities")
    stated_out = entry.get("supported_output_modalities")
    allowed = {"text", "image", "audio", "video"}
    if isinstance(stated_in, list) or isinstance(stated_out, list):
        return (
            sorted(set(stated_in) & allowed) if isinstance(stated_in, list) else None,
            sorted(set(stated_out) & allowed) if isinstance(stated_out, list) else None,
        )
    if entry.get("mode") not in _TEXT_MODES:
        return None, None  # embeddings, image and audio models: the flags do not say
    inputs = {"text"}
    flags = {
        "supports_vision": "image",
        "supports_audio_input": "audio",
        "supports_video_input": "video",
        "supports_pdf_input": "file",
    }
    inputs |= {modality for flag, modality in flags.items() if entry.get(flag) is True}
    outputs = {"text"} | ({"audio"} if entry.get("supports_audio_output") is True else set())
    return sorted(inputs), sorted(outputs)


_PRICE_COLUMNS = {
    "input": "input_cost_per_token",
    "output": "output_cost_per_token",
    "cached_input": "cache_read_input_token_cost",
}
_PRICE_FIELDS = set(_PRICE_COLUMNS.values())


def _price(entry: dict[str, Any], route: str) -> PriceClaim | None:
    amounts: dict[str, Decimal | None] = {}
    for ours, theirs in _PRICE_COLUMNS.items():
        value = entry.get(theirs)
        if value is None:
            amounts[ours] = None
        elif isinstance(value, int | Decimal) and not isinstance(value, bool):
            amounts[ours] = per_mtok(Decimal(value))
        else:
            raise ValueError(f"{theirs} {value!r} is not a number")
    return stated_price(amounts, free=says_free(route))
