"""How names from different data sets are recognised as one model or one organization.

A model's identity key is its name reduced to what every source agrees on: lower case, the
route's last path segment, spaces and underscores as '-', without a region or maker prefix
("us.", "google.", "meta-"), a Bedrock version tail ("-v1:0"), a ':free' tier, or an
instruction-tuning suffix ("-it", "-instruct"). Two records with the same key are one model.
Dated snapshots ("gpt-4o-2024-05-13") keep their date: they are priced and retired on their own.
"""

import re
import unicodedata

# Organizations that the data sets spell in several ways, mapped to one slug. Google DeepMind
# (2023) merged DeepMind and Google Brain; the curated seed files Google's models under Google.
ORG_SYNONYMS = {
    "google": "google",
    "google deepmind": "google",
    "deepmind": "google",
    "google brain": "google",
    "google research": "google",
    "gemini": "google",
    "openai": "openai",
    "anthropic": "anthropic",
    "meta": "meta",
    "meta ai": "meta",
    "meta llama": "meta",
    "facebook": "meta",
    "facebook ai": "meta",
    "facebook ai research": "meta",
    "mistral": "mistral",
    "mistral ai": "mistral",
    "mistralai": "mistral",
    "alibaba": "alibaba",
    "alibaba cloud": "alibaba",
    "qwen": "alibaba",
    "dashscope": "alibaba",
    "xai": "xai",
    "x ai": "xai",
    "microsoft": "microsoft",
    "microsoft research": "microsoft",
    "deepseek": "deepseek",
    "deepseek ai": "deepseek",
    "zhipuai": "zhipuai",
    "zhipu ai": "zhipuai",
    "z ai": "zhipuai",
    "zai": "zhipuai",
    "zai org": "zhipuai",
    "thudm": "zhipuai",
    "moonshotai": "moonshotai",
    "moonshot": "moonshotai",
    "moonshot ai": "moonshotai",
    "cohere": "cohere",
    "cohere chat": "cohere",
    "cohere for ai": "cohere",
    "cohereforai": "cohere",
    "nvidia": "nvidia",
    "amazon": "amazon",
    "amazon nova": "amazon",
    "minimax": "minimax",
    "perplexity": "perplexity",
    "ibm": "ibm",
    "ibm granite": "ibm",
    "xiaomi": "xiaomi",
    "stepfun": "stepfun",
    "tencent": "tencent",
    "bytedance": "bytedance",
    "baidu": "baidu",
    "ai21": "ai21",
    "ai21 labs": "ai21",
}

ORG_NAMES = {
    "google": "Google",
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "meta": "Meta",
    "mistral": "Mistral AI",
    "alibaba": "Alibaba",
    "xai": "xAI",
    "microsoft": "Microsoft",
    "deepseek": "DeepSeek",
    "zhipuai": "Zhipu AI",
    "moonshotai": "Moonshot AI",
    "cohere": "Cohere",
    "nvidia": "NVIDIA",
    "amazon": "Amazon",
    "minimax": "MiniMax",
    "perplexity": "Perplexity",
    "ibm": "IBM",
}

_REGION = re.compile(r"^(us|eu|apac|global|au|jp|ca)\.")
_BEDROCK_VERSION = re.compile(r"-v\d+(:\d+)?$")
_TIER = re.compile(r":(free|beta|extended|nitro)$")
_TUNING = re.compile(r"-(it|instruct)$")
_DASH_PREFIXES = ("google-", "meta-", "openai-", "anthropic-")
_SLUG_BAD = re.compile(r"[^a-z0-9._+-]+")
_VERSION_DOT = re.compile(r"(?<=\d)\.(?=\d)")
# Model families whose maker their name tells, for routes that do not name it
# ("vertex_ai/claude-3-5-haiku@20241022" is Anthropic's, served by Google Cloud).
_FAMILY_MAKERS = {
    "claude": "anthropic",
    "gemini": "google",
    "gemma": "google",
    "paligemma": "google",
    "gpt": "openai",
    "o1": "openai",
    "o3": "openai",
    "o4": "openai",
    "dall-e": "openai",
    "whisper": "openai",
    "llama": "meta",
    "mistral": "mistral",
    "mixtral": "mistral",
    "codestral": "mistral",
    "qwen": "alibaba",
    "qwq": "alibaba",
    "deepseek": "deepseek",
    "grok": "xai",
    "command": "cohere",
    "glm": "zhipuai",
    "kimi": "moonshotai",
    "nova": "amazon",
    "phi": "microsoft",
}


def ascii_lower(text: str) -> str:
    """'Université' -> 'universite': accents dropped, so spellings with and without them agree."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def org_words(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_lower(name)).split())


def org_slug(name: str) -> str | None:
    """The one slug an organization's many spellings share; None for an empty name."""
    words = org_words(name)
    if not words:
        return None
    return ORG_SYNONYMS.get(words) or slugify(words)


def known_org(segment: str) -> str | None:
    """The organization a route segment names ('openai', 'meta-llama'), if it is a known one."""
    return ORG_SYNONYMS.get(org_words(segment))


def org_display_name(slug: str, stated: str) -> str:
    return ORG_NAMES.get(slug, stated.strip())


def slugify(text: str) -> str:
    slug = _SLUG_BAD.sub("-", ascii_lower(text.strip()))
    slug = re.sub(r"-{2,}", "-", slug).strip("-._+")
    return slug[:200]


def model_key(name: str, *, route: bool = True) -> str:
    """The identity key: two names with the same key are the same model.

    A route ("openrouter/openai/gpt-4o") is keyed on its last segment; a plain name
    ("ViT-Huge/14", route=False) keeps its slashes as part of the name. A dot between digits
    counts as a dash, so "Claude 3.5 Haiku" and "claude-3-5-haiku" meet.
    """
    return _VERSION_DOT.sub("-", model_slug(name, route=route))


def model_slug(name: str, *, route: bool = True) -> str:
    """The slug a new model gets: its identity key, with the dots of its version kept."""
    text = ascii_lower(name.strip())
    text = text.rsplit("/", 1)[-1] if route else text.replace("/", "-")
    text = re.sub(r"[\s_]+", "-", text)
    text = _TIER.sub("", text)
    text = _REGION.sub("", text)
    head, dot, rest = text.partition(".")
    if dot and rest and known_org(head):
        text = rest
    if ":" in text:
        text = _BEDROCK_VERSION.sub("", text)
    for prefix in _DASH_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix) :]
    text = _TUNING.sub("", text)
    return slugify(text)


def maker_in_route(route: str) -> str | None:
    """The organization a route names before the model: 'openrouter/openai/gpt-4o' -> openai."""
    parts = route.lower().split("/")
    for segment in reversed(parts[:-1]):
        if org := known_org(segment):
            return org
    last = _REGION.sub("", parts[-1])
    head, dot, _ = last.partition(".")
    if dot and (org := known_org(head)):
        return org
    for prefix in _DASH_PREFIXES:
        if last.startswith(prefix):
            return known_org(prefix[:-1])
    return None


def maker_by_name(name: str) -> str | None:
    """The maker a model's family name tells: 'claude-3-5-haiku' -> anthropic."""
    key = model_key(name)
    for family, maker in _FAMILY_MAKERS.items():
        if (
            key == family
            or key.startswith((family + "-", family + "."))
            or (key.startswith(family) and key[len(family) : len(family) + 1].isdigit())
        ):
            return maker
    return None
