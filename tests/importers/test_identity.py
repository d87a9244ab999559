"""The matching rule: which names are one model, which organizations are one."""

import pytest

from service.catalog.identity import (
    apart_by_tuning,
    fold_family,
    kept_apart,
    maker_in_route,
    model_key,
    org_slug,
    tuning_base,
)


@pytest.mark.parametrize(
    ("names", "key"),
    [
        (["GPT-4o", "gpt-4o", "azure/gpt-4o", "openrouter/openai/gpt-4o"], "gpt-4o"),
        (
            [
                "Gemma 3 27B",
                "gemini/gemma-3-27b-it",
                "google.gemma-3-27b-it",
                "venice/google-gemma-3-27b-it",
            ],
            "gemma-3-27b",
        ),
        (["Claude 3.5 Haiku", "claude-3-5-haiku"], "claude-3-5-haiku"),
        (["bedrock/us.anthropic.claude-3-5-sonnet-20240620-v1:0"], "claude-3-5-sonnet-20240620"),
        (["meta-llama/Meta-Llama-3.1-405B-Instruct", "Llama 3.1-405B"], "llama-3-1-405b"),
    ],
)
def test_names_of_one_model_share_a_key(names: list[str], key: str) -> None:
    """Spellings share the key; a tuning suffix ("-it", "-instruct") is kept in the key and
    dropped only by the importers' tuning fold, which these names share."""
    assert {fold_family(model_key(name)) for name in names} == {key}


def test_a_tuning_suffix_is_kept_in_the_key_and_folded_apart_from_it() -> None:
    assert model_key("gpt-3.5-turbo-instruct") == "gpt-3-5-turbo-instruct"
    assert tuning_base(model_key("gemma-3-27b-it")) == "gemma-3-27b"
    assert tuning_base(model_key("gpt-4o-mini")) is None  # "-mini" is never folded
    assert tuning_base(model_key("Tk-Instruct", route=False)) == "tk"


def test_a_listing_naming_both_variants_keeps_them_apart() -> None:
    """A listing names each model once: OpenAI's own entries name "gpt-3.5-turbo" and
    "gpt-3.5-turbo-instruct", so the two are two models; a key only one listing names and
    another listing names in its tuned form is one model with it."""
    openai = [model_key("gpt-3.5-turbo"), model_key("gpt-3.5-turbo-instruct")]
    azure, github = [model_key("phi-4-mini")], [model_key("microsoft/phi-4-mini-instruct")]
    assert apart_by_tuning([openai, azure, github]) == set(openai)


@pytest.mark.parametrize("suffix", sorted(kept_apart()))
def test_suffixes_kept_apart_by_the_taxonomy_are_never_folded(suffix: str) -> None:
    key = model_key(f"some-model-2-{suffix}")
    assert key != model_key("some-model-2")
    assert fold_family(key) == key


def test_dated_snapshots_and_versions_stay_apart() -> None:
    assert model_key("gpt-4o-2024-05-13") != model_key("gpt-4o")
    assert model_key("deepseek-v2") != model_key("deepseek")  # a version, not a Bedrock tail


def test_a_plain_name_keeps_its_slash() -> None:
    assert model_key("ViT-Huge/14", route=False) == "vit-huge-14"
    assert model_key("ViT-Huge/14", route=False) != model_key("ViT-G/14", route=False)


@pytest.mark.parametrize(
    ("spellings", "slug"),
    [
        (["Google", "Google DeepMind", "DeepMind", "Google Brain", "google"], "google"),
        (["OpenAI", "openai"], "openai"),
        (["Meta AI", "Facebook AI Research", "meta-llama"], "meta"),
        (["Mistral AI", "mistralai"], "mistral"),
        (
            ["University of Montreal / Université de Montréal"],
            "university-of-montreal-universite-de-montreal",
        ),
    ],
)
def test_spellings_of_one_organization_share_a_slug(spellings: list[str], slug: str) -> None:
    assert {org_slug(name) for name in spellings} == {slug}


def test_the_maker_named_in_a_route() -> None:
    assert maker_in_route("openrouter/openai/gpt-4o") == "openai"
    assert maker_in_route("amazon-bedrock/google.gemma-3-27b-it") == "google"
    assert maker_in_route("gpt-4o") is None
