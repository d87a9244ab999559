"""How names from different data sets are recognised as one model or one organization.

A model's identity key keeps everything that tells two models apart ('+' as 'plus', Greek
letters spelled out, sizes, generations, dates, and suffixes like "-mini", "-chat", "-instruct")
and folds only spellings: lower case, the route's last path segment, spaces, underscores and
dots between digits as '-' ("3.5" = "3-5"), a 'p' between digits ("4p5" = "4.5"), a 'v' before
a version ("v3p1" = "3.1"), without a region or maker prefix ("us.", "anthropic.", "Meta-",
"databricks-"), a Bedrock version tail ("-v2:0") or a ':free' tier.
Dated snapshots ("gpt-4o-2024-05-13") keep their date: they are priced and retired on their own.

An instruction-tuning suffix ("-instruct", "-it") is kept in the key; `tuning_base` gives the key
without it, which the importers use to join "qwen2.5-72b-instruct" to Epoch's "Qwen2.5 72B"
unless a listing names both as two models (`apart_by_tuning`). Which suffixes are route noise,
which tuning and which always tell models apart is data: `seed/taxonomy/name_words.yaml`.

Organization synonyms are data: `seed/taxonomy/organization_synonyms.yaml`.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

from service.config import get_settings

SYNONYMS_FILE = "taxonomy/organization_synonyms.yaml"
T = TypeVar("T")


@dataclass(frozen=True)
class OrgSynonyms:
    """Words of every known spelling -> organization slug, and each slug's display name."""

    slugs: dict[str, str]
    names: dict[str, str]
    labs: frozenset[str]  # organizations that make models (a host serving others' is not one)
    hosts: frozenset[str]  # inference hosts: they serve others' models, never a model's maker
    owners: dict[str, str]  # organization slug -> the company that owns it (GitHub: Microsoft)


@cache
def _load_synonyms(path: Path) -> OrgSynonyms:
    slugs: dict[str, str] = {}
    names: dict[str, str] = {}
    labs: set[str] = set()
    hosts: set[str] = set()
    owners: dict[str, str] = {}
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else []
    for entry in entries or []:
        slug = str(entry["slug"])
        names[slug] = str(entry["name"])
        if entry.get("lab"):
            labs.add(slug)
        if entry.get("host"):
            hosts.add(slug)
        if entry.get("owner"):
            owners[slug] = str(entry["owner"])
        for spelling in [slug, entry["name"], *(entry.get("aliases") or [])]:
            slugs.setdefault(org_words(str(spelling)), slug)
    return OrgSynonyms(slugs, names, frozenset(labs), frozenset(hosts), owners)


def synonyms() -> OrgSynonyms:
    """The organization synonyms of the seed folder in use (read once per process)."""
    return _load_synonyms(get_settings().seed_dir / SYNONYMS_FILE)


_GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "ο": "omicron",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "ς": "sigma",
    "τ": "tau",
    "υ": "upsilon",
    "φ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
    "∞": "infinity",
}
_BEDROCK_VERSION = re.compile(r"-v\d+(:\d+)?$")
_SLUG_BAD = re.compile(r"[^a-z0-9._+-]+")
_VERSION_DOT = re.compile(r"(?<=\d)[.p](?=\d)")
_VERSION_V = re.compile(r"(?<=-)v(?=\d)")
# a snapshot's date: 2024-10-22, 20241022, or Mistral's year and month (2407 = July 2024)
_DATED = re.compile(r"^(?P<base>.+?)-(?P<date>20\d{2}-?[01]\d-?[0-3]\d|2[3-9](0[1-9]|1[0-2]))$")
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
    "phi": "microsoft",
}


def ascii_lower(text: str) -> str:
    """'Université' -> 'universite', 'λ' -> 'lambda': accents dropped, Greek spelled out."""
    text = "".join(_GREEK.get(ch, ch) for ch in text.lower())
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def org_words(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_lower(name)).split())


def org_slug(name: str) -> str | None:
    """The one slug an organization's many spellings share; None for an empty name."""
    words = org_words(name)
    if not words:
        return None
    return synonyms().slugs.get(words) or slugify(words)


@lru_cache(maxsize=100_000)
def known_org(segment: str) -> str | None:
    """The organization a route segment names ('openai', 'meta-llama'), if it is a known one."""
    return synonyms().slugs.get(org_words(segment))


def org_display_name(slug: str, stated: str) -> str:
    return synonyms().names.get(slug, stated.strip())


def slugify(text: str) -> str:
    slug = _SLUG_BAD.sub("-", ascii_lower(text.strip()))
    slug = re.sub(r"-{2,}", "-", slug).strip("-._").lstrip("+")  # "command-r+" keeps its '+'
    return slug[:200]


@lru_cache(maxsize=200_000)
def model_key(name: str, *, route: bool = True) -> str:
    """The identity key: two names with the same key are the same model.

    A route ("openrouter/openai/gpt-4o") is keyed on its last segment; a plain name
    ("ViT-Huge/14", route=False) keeps its slashes as part of the name. A dot or a 'p' between
    digits counts as a dash, so "Claude 3.5 Haiku", "claude-3-5-haiku" and "glm-4p5" = "GLM-4.5"
    meet; '+' counts as "plus", so "Command R+" = "command-r-plus" but not "Command R".
    """
    slug = model_slug(name, route=route).replace("+", "-plus")
    slug = _VERSION_V.sub("", _VERSION_DOT.sub("-", slug))
    return re.sub(r"-{2,}", "-", slug).strip("-")


def name_key(key: str) -> str:
    """A looser key for display names: the words of an identity key in order, so that
    "Claude Sonnet 3.7" meets "claude-3.7-sonnet". Used only when no id matches."""
    return "-".join(sorted(key.split("-")))


def dated_releases(name: str, known: Iterable[str]) -> list[str]:
    """The known names that are dated releases of an undated id, oldest first:
    "claude-3.5-sonnet" -> ["claude-3-5-sonnet-20240620", "claude-3-5-sonnet-20241022"]."""
    key = model_key(name)
    if not key or undated(key):
        return []
    words = name_key(key)
    found = []
    for candidate in known:
        base = undated(model_key(candidate))
        if base is not None and (base == key or name_key(base) == words):
            found.append(candidate)
    ranked = sorted(found, key=lambda c: (model_key(c), len(c), c))  # plainest first
    return list({model_key(c): c for c in reversed(ranked)}.values())[::-1]  # one per release


def release_month(key: str) -> str | None:
    """The month a dated id's date names, "YYYY-MM": 'claude-3-5-sonnet-20240620' -> 2024-06,
    'mistral-large-2407' -> 2024-07; None for an undated id."""
    match = _DATED.match(key)
    if not match:
        return None
    code = match.group("date").replace("-", "")
    return f"{code[:4]}-{code[4:6]}" if len(code) == 8 else f"20{code[:2]}-{code[2:4]}"


def undated(key: str) -> str | None:
    """'claude-3-5-sonnet-20241022' -> 'claude-3-5-sonnet'; None when the key has no date."""
    match = _DATED.match(key)
    return match.group("base") if match else None


@lru_cache(maxsize=200_000)
def model_slug(name: str, *, route: bool = True) -> str:
    """The slug a new model gets: its identity key, with the dots of its version kept."""
    return slugify(maker_id(name, route=route))


def maker_id(name: str, *, route: bool = True) -> str:
    """The maker's own id inside a route, lower case: without the host's path, a region or
    maker prefix, a Bedrock version tail or a tier ("bedrock/us.anthropic.claude-3-5-sonnet-
    20241022-v2:0" -> "claude-3-5-sonnet-20241022")."""
    text = ascii_lower(name.strip())
    text = _last_segment(text) if route else text.replace("/", "-")
    text = re.sub(r"[\s_]+", "-", text)
    text = _rules().tier.sub("", text)
    text = _rules().region.sub("", text)
    head, dot, rest = text.partition(".")
    if dot and rest and known_org(head):
        text = rest
        text = _BEDROCK_VERSION.sub("", text)  # "anthropic.claude-opus-4-6-v1": Bedrock's tail
    elif ":" in text:
        text = _BEDROCK_VERSION.sub("", text)
    text = re.sub(r"-{2,}", "-", text)
    return _strip_org_prefix(text)


def _last_segment(route: str) -> str:
    """A route's model: its last segment, read with the folders above it when it is a word that
    names no model on its own ("fal_ai/fal-ai/imagen4/preview/fast" -> "imagen4-preview-fast",
    "fal_ai/fal-ai/recraft/v3/text-to-image" -> "recraft-v3-text-to-image"), up to the first
    folder naming an organization (the host's or the maker's), or through it when the folders
    below it are only a version ("recraft/v3/text-to-image" -> "recraft-v3-text-to-image")."""
    parts = route.split("/")
    if parts[-1] not in _rules().bare:
        return parts[-1]
    kept = [parts[-1]]
    for folder in reversed(parts[1:-1]):
        if known_org(folder):
            if all(re.fullmatch(r"v?[\d.]+", word) for word in kept[:-1]):
                kept.insert(0, folder)  # "recraft/v3/text-to-image": the maker's v3
            break
        kept.insert(0, folder)
    return "-".join(kept)


NAME_WORDS_FILE = "taxonomy/name_words.yaml"
_SIZE_WORD = re.compile(r"(\d+x)?\d+(\.\d+)?[bmkt]")
_SHORT_NUMBER = re.compile(r"\d{1,2}")
_FOLDED_VERSION = re.compile(r"v?(\d+)p(\d+)")


@dataclass(frozen=True)
class NameRules:
    """seed/taxonomy/name_words.yaml: how id words are written, and what suffixes mean."""

    words: dict[str, str]  # id word -> how a display name writes it
    region: re.Pattern[str]  # a route's region prefix ("us."): route noise
    tier: re.Pattern[str]  # a route's tier (":free"): route noise
    tuning: re.Pattern[str]  # an instruction-tuning suffix of a key ("-instruct")
    kept_apart: frozenset[str]  # suffixes that always tell two models apart ("mini")
    bare: frozenset[str]  # a route's last segment that names no model on its own ("fast")


@cache
def _load_name_rules(path: Path) -> NameRules:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data = data or {}
    routes = data.get("routes") or {}

    def words_of(items: Any) -> str:
        listed = [re.escape(str(item).lower()) for item in items or []]
        return "|".join(sorted(listed, key=len, reverse=True)) or "(?!)"

    return NameRules(
        words={str(k).lower(): str(v) for k, v in (data.get("words") or {}).items()},
        region=re.compile(rf"^({words_of(routes.get('regions'))})\."),
        tier=re.compile(rf":({words_of(routes.get('tiers'))})$"),
        tuning=re.compile(rf"-({words_of(data.get('tuning'))})$"),
        kept_apart=frozenset(str(word).lower() for word in data.get("kept_apart") or []),
        bare=frozenset(str(word).lower() for word in routes.get("bare") or []),
    )


def _rules() -> NameRules:
    return _load_name_rules(get_settings().seed_dir / NAME_WORDS_FILE)


def name_words() -> dict[str, str]:
    """How words of a model id are written in a display name (seed/taxonomy/name_words.yaml)."""
    return _rules().words


def kept_apart() -> frozenset[str]:
    """Suffixes that always tell two models apart ("-mini", "-chat"): never folded."""
    return _rules().kept_apart


def tuning_base(key: str) -> str | None:
    """An identity key without its instruction-tuning suffix ("qwen2-5-72b-instruct" ->
    "qwen2-5-72b"), or None when it has none. The two are one model unless a listing names
    both (`apart_by_tuning`)."""
    base = _rules().tuning.sub("", key)
    return base if base != key and base else None


_EXPERTS = re.compile(r"-\d+e(?=-|$)")  # a Mixture-of-Experts' expert count: "-16e"


def without_experts(key: str) -> str | None:
    """An identity key without its expert count ("llama-4-scout-17b-16e-instruct" ->
    "llama-4-scout-17b-instruct"), or None when it states none. Meta's own files name Llama 4
    Scout both ways; the count is a spelling where the data knows only one for the name and
    size (Vertex's "-16e-" and "-128e-instruct-maas" are two, so neither joins)."""
    bare = _EXPERTS.sub("", key)
    return bare if bare != key else None


def fold_family(key: str) -> str:
    """The key its tuning variants share: "x-instruct", "x-it" and "x" -> "x"."""
    return tuning_base(key) or key


def apart_by_tuning(listings: Iterable[Iterable[str]]) -> set[str]:
    """The keys a listing tells apart from a tuning variant of theirs: each listing (one
    provider's entries, or the maker's own) names each model once, so when one names both
    "gpt-3-5-turbo" and "gpt-3-5-turbo-instruct", the two are two models."""
    apart: set[str] = set()
    for listing in listings:
        families: dict[str, set[str]] = {}
        for key in set(listing):
            families.setdefault(fold_family(key), set()).add(key)
        for keys in families.values():
            if len(keys) > 1:
                apart |= keys
    return apart


def join_tuning_variants(groups: dict[str, list[T]], apart: set[str]) -> dict[str, list[T]]:
    """Groups of entries by exact key, with the tuning variants no listing tells apart joined
    under their family's key ("x-instruct" and "x" -> "x"); a key in `apart` stays alone."""
    joined: dict[str, list[T]] = {}
    for key in sorted(groups):
        joined.setdefault(key if key in apart else fold_family(key), []).extend(groups[key])
    return joined


def display_name(route: str) -> str:
    """A readable name for a model a data set names only by a route: the maker's id inside it,
    formatted ("anthropic.claude-3-5-sonnet-20241022-v2:0" -> "Claude 3.5 Sonnet 20241022",
    "fireworks_ai/…/llama-v3p1-405b-instruct" -> "Llama 3.1 405B Instruct",
    "gpt-4o" -> "GPT-4o")."""
    words = name_words()
    tokens = [t for t in re.split(r"[-_\s@:]+", maker_id(route)) if t]
    for index in range(len(tokens) - 2):  # a date written 2024-08-06 stays one word
        if re.fullmatch(r"20\d\d", tokens[index]) and all(
            re.fullmatch(r"\d\d", t) for t in tokens[index + 1 : index + 3]
        ):
            tokens[index : index + 3] = ["-".join(tokens[index : index + 3]), "", ""]
    for index in range(len(tokens) - 1):  # a word of two tokens ("dall-e")
        if f"{tokens[index]}-{tokens[index + 1]}" in words:
            tokens[index : index + 2] = [f"{tokens[index]}-{tokens[index + 1]}", ""]
    tokens = [t for t in tokens if t]
    shown: list[str] = []
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else ""
        if "-" in token and token[:1].isdigit():  # a date
            shown.append(token)
            continue
        if (
            _SHORT_NUMBER.fullmatch(token)
            and _SHORT_NUMBER.fullmatch(previous)
            and index >= 2
            and not tokens[index - 2].isdigit()
            and "." not in shown[-1]
        ):
            shown[-1] += "." + token  # "3-5" -> "3.5"
            continue
        if token in words:
            word = words[token]
        elif folded := _FOLDED_VERSION.fullmatch(token):
            word = f"{folded.group(1)}.{folded.group(2)}"
        elif _SIZE_WORD.fullmatch(token):
            word = token.upper().replace("X", "x")
        else:
            word = token[:1].upper() + token[1:]
        if shown and shown[-1].isupper() and shown[-1].isalpha() and word[:1].isdigit():
            shown[-1] += "-" + word  # "GPT-4o", "GLM-4.5"
        else:
            shown.append(word)
    return " ".join(shown) or route


def _strip_org_prefix(text: str) -> str:
    """'meta-llama-3.1-8b' -> 'llama-3.1-8b', 'databricks-claude-3-7-sonnet' -> 'claude-3-7-sonnet':
    an organization's name before a model family's name is the host's or maker's label."""
    for _ in range(3):  # "databricks-meta-llama-3-1-405b": the host's, then the maker's
        parts = text.split("-")
        for size in (2, 1):
            head, rest = "-".join(parts[:size]), "-".join(parts[size:])
            if rest and known_org(head) and (maker_by_name(rest) or known_org(head) == _lead(rest)):
                text = rest
                break
        else:
            return text
    return text


def _lead(text: str) -> str | None:
    return known_org(text.split("-", 1)[0])


def maker_in_route(route: str, *, host: bool = True) -> str | None:
    """The organization a route names as the model's maker: 'openrouter/openai/gpt-4o' ->
    openai, 'bedrock/us.anthropic.claude-…' -> anthropic. The host serving it is not the maker:
    'nvidia/black-forest-labs/flux.1-dev' is Black Forest Labs'; the first segment counts only
    in a two-part route, when it is a lab (it makes models: `lab: true` in the synonyms file)
    and the model's name does not name another maker ('mistral/mistral-large'); `host=False`
    leaves that last rule out, so a caller can prefer a lab any route names explicitly."""
    parts = route.lower().split("/")
    serving = known_org(parts[0]) if len(parts) > 1 else None
    hosts = synonyms().hosts
    last = _rules().region.sub("", parts[-1])
    head, dot, _ = last.partition(".")
    if dot and (org := known_org(head)):
        return org
    for index in range(len(parts) - 2, 0, -1):  # "fireworks_ai/accounts/fireworks/...": an account
        org = known_org(parts[index])
        # the host's own folder names the maker only as the model's own folder
        # ("nvidia/nvidia/nemotron-…"), not above another ("fal_ai/fal-ai/flux/schnell")
        own_folder = org == serving and index < len(parts) - 2 and org not in synonyms().labs
        # a host's folder ("alibaba-cn/siliconflow/deepseek-v3-0324", "poe/novita/glm-5": a
        # reseller's catalogue inside another's) names who serves it, never who made it
        if parts[index - 1] != "accounts" and org and not own_folder and org not in hosts:
            return org
    pieces = last.split("-")
    for size in (2, 1):
        head = "-".join(pieces[:size])
        if (
            len(pieces) > size
            and (org := known_org(head))
            and maker_by_name("-".join(pieces[size:])) in (None, org)
        ):
            return synonyms().owners.get(org, org)  # "chatgpt-4o-latest": OpenAI's product
    if not host or serving not in synonyms().labs or len(parts) != 2:
        return None
    return serving if maker_by_name(last) in (None, serving) else None


def maker_by_name(name: str) -> str | None:
    """The maker a model's family name tells: 'claude-3-5-haiku' -> anthropic."""
    key = re.sub(r"[\s_]+", "-", ascii_lower(name).rsplit("/", 1)[-1])
    key = _rules().region.sub("", key)
    if (head := key.partition(".")[0]) != key and known_org(head):
        key = key.partition(".")[2]
    return _family_maker(key) or next(
        (
            maker
            for size in (1, 2)
            if known_org("-".join(key.split("-")[:size]))
            and (maker := _family_maker("-".join(key.split("-")[size:])))
        ),
        None,
    )


def _family_maker(key: str) -> str | None:
    for family, maker in _FAMILY_MAKERS.items():
        if (
            key == family
            or key.startswith((family + "-", family + "."))
            or (key.startswith(family) and key[len(family) : len(family) + 1].isdigit())
        ):
            return maker
    return None


_SIZE = r"\d+(\.\d+)?[bm]"
_PRICE_TIER = re.compile(
    rf"(^|-)((up-to|above)-{_SIZE}|{_SIZE}-(to-)?{_SIZE})$"  # "fireworks-ai-4.1b-to-16b"
)
# "openrouter/openrouter/free": a router to whichever free model is available
_ROUTER = re.compile(r"^(auto|free|auto-model(-.+)?|router|model-router|.+-router)$")


def not_a_model(route: str) -> str | None:
    """Why an entry names no model (a pricing tier, a router, a container), or None.

    These are entries of price tables that bill by size band or dispatch to other models;
    a catalog of models lists what they dispatch to, not them.
    """
    parts = route.lower().split("/")
    last = parts[-1]
    if _PRICE_TIER.search(last):
        return "a pricing tier by model size, not a model"
    if known_org(last.removesuffix("-default")) and last.endswith("-default"):
        return "a provider's default pricing tier, not a model"
    if _ROUTER.match(last) or "routers" in parts[1:-1]:
        return "a router that picks another model, not a model"
    if last == "container" or last.startswith("container-"):
        return "a code-execution container, not a model"
    return None
