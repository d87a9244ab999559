"""Which catalog model each record of a data set is: by the ids the data states, then by name.

The identity rules themselves (keys, undated ids, the synonyms) are `service.catalog.identity`'s;
this applies them to one run's records against the catalog as it stands.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from service.catalog.identity import (
    fold_family,
    model_key,
    model_slug,
    name_key,
    org_slug,
    release_month,
    slugify,
    undated,
    without_experts,
)
from service.catalog.import_view import CatalogView
from service.importers.makers import company_of
from service.importers.records import ModelRecord
from service.models import Model
from service.models.base import Origin

UNDATED_REASON = (
    "an undated id naming several dated releases: joined none and made no model of its own "
    "(looking it up suggests the releases)"
)


@dataclass
class Identity:
    """How each record found its model: the identity summary of a run."""

    by_id: int = 0  # an id the data states: a base_model, the maker's id in a route, a slug
    by_name: int = 0  # no id matched; the name key did, and only one model has it
    new: int = 0  # nothing matched: a new model
    ambiguous: list[str] = field(default_factory=list)  # could join two models: joined neither
    # an undated id naming several dated releases ("claude-3.5-sonnet"): not a model of its own
    releases: list[str] = field(default_factory=list)


@dataclass
class Target:
    """A catalog model and what this run's records say of it."""

    slug: str
    model: Model | None
    records: list[ModelRecord]

    @property
    def curated(self) -> bool:
        return self.model is not None and self.model.origin == Origin.CURATED


class Index:
    """Identity keys -> the models that answer to them, in three tiers."""

    def __init__(self) -> None:
        self.slugs: dict[str, str] = {}  # a model's own slug: the strongest identity
        self.ids: dict[str, set[str]] = {}  # a slug, an alias, a route or a base_model id
        self.dated: dict[str, set[str]] = {}  # an id without its date -> the dated models
        self.dated_names: dict[str, set[str]] = {}  # the same, by the id's words in any order
        self.names: dict[str, set[str]] = {}  # a display name's words
        self.folded: dict[str, set[str]] = {}  # a key without its tuning suffix -> the models
        self.experts: dict[str, set[str]] = {}  # a key without its expert count -> the models
        # whose ids state one

    def add_ids(self, keys: Iterable[str], slug: str) -> None:
        for key in keys:
            self.ids.setdefault(key, set()).add(slug)
            self.folded.setdefault(fold_family(key), set()).add(slug)
            if bare := without_experts(key):
                self.experts.setdefault(bare, set()).add(slug)
            if base := undated(key):
                self.dated.setdefault(base, set()).add(slug)
                self.dated_names.setdefault(name_key(base), set()).add(slug)

    def add_names(self, keys: Iterable[str], slug: str) -> None:
        for key in keys:
            self.names.setdefault(key, set()).add(slug)

    def by_id(self, record: ModelRecord) -> set[str]:
        """The models the record's ids name: its own id decides when it names one. A maker's
        own entry is joined by its own ids only, never by a reseller's route grouped with it
        (the maker lists "gemini-3.1-pro-preview-customtools" apart from the preview itself)."""
        keys, own = record.id_keys, record.own_keys
        for key in own:
            if key in self.slugs:
                return {self.slugs[key]}
            if len(hits := self.ids.get(key, set())) == 1:
                return hits
        return set().union(
            *(self.ids.get(key, set()) for key in (own if record.first_party else keys))
        )

    def by_fold(self, record: ModelRecord) -> set[str]:
        """The models a tuning variant of the record's ids names: "qwen2.5-72b-instruct" is
        Epoch's "Qwen2.5 72B" when no listing named both (ModelRecord.foldable)."""
        keys = record.own_keys if record.first_party else record.id_keys
        return set().union(*(self.folded.get(fold_family(key), set()) for key in keys))

    def by_experts(self, record: ModelRecord) -> set[str]:
        """The one model an id names with or without its expert count: Meta's
        "llama-4-scout-17b-instruct" (models.dev's lab file, Bedrock) is its own API's
        "llama-4-scout-17b-16e-instruct". Two models of one name and size with two expert counts
        (Vertex's -maas routes) answer to neither spelling."""
        keys = record.own_keys if record.first_party else record.id_keys
        for key in keys:
            if (bare := without_experts(key)) is None:
                found = self.experts.get(key, set())  # "…-17b-instruct": the one counted model
            elif not self.experts.get(bare):  # "…-17b-16e-instruct": the model with no count,
                found = self.ids.get(bare, set())  # unless another count is already known
            else:
                found = set()
            if len(found) == 1:
                return found
        return set()

    def releases(self, record: ModelRecord) -> set[str]:
        """The dated releases an undated id names ("claude-3-5-sonnet": its -20240620 and
        -20241022 snapshots), by its ids' keys and their words in any order."""
        hits: set[str] = set()
        for key in record.id_keys:
            hits |= self.dated.get(key, set()) | self.dated_names.get(name_key(key), set())
        return hits

    def of_month(self, record: ModelRecord) -> tuple[set[str], set[str]]:
        """The dated releases an undated id names, and those of them dated in the month the
        record states its release ("Claude 3.5 Sonnet", 2024-06-20: claude-3-5-sonnet-20240620).
        A name with a generation number the ids leave out ("Mistral Large 2", 2024-07-24) names
        the releases of the name without it, but only the one of its month: mistral-large-2407.
        Only a named record (Epoch's: one row per release, dated by the release) is placed so,
        by its own undated ids: a dated id is its own release, and a route's undated id
        ("cloudflare-ai-gateway/anthropic/claude-3.5-sonnet") dated by a reseller joins none."""
        releases = self.releases(record)
        month = (record.release_date or "")[:7]
        own = record.own_keys
        if record.routes or len(month) != 7 or any(undated(key) for key in own):
            return releases, set()
        named: set[str] = set()
        for key in own:
            named |= self.dated.get(key, set()) | self.dated_names.get(name_key(key), set())
        if not named:
            for key in own:
                if (bare := _GENERATION.sub("", key)) != key:
                    named |= self.dated.get(bare, set())
        return releases, {s for s in named if release_month(model_key(s)) == month}

    def by_name(self, record: ModelRecord, *, names: bool) -> set[str]:
        """Dated releases of an undated id ("claude-3-5-sonnet"), and models of the same name."""
        hits: set[str] = set()
        for key in record.id_keys:
            hits |= self.dated.get(key, set()) | self.dated_names.get(name_key(key), set())
        if names:
            # a name joins a model only if its id says no more than the name does: "Whisper"
            # is not "whisper-1", "Command R+" is not "command-r-plus-08-2024"
            # and its own id states no number its name and the model lack: "abacus/grok-4-0709"
            # (named "Grok 4") is xAI's dated snapshot, not "grok-4"; "gemini-2.0-flash-001"
            words = {word for key in record.name_keys for word in key.split("-")}
            said = _numbers(model_key(record.name, route=False))
            own = _numbers(model_key(record.external_id, route=record.routes))
            for key in record.name_keys:
                hits |= {
                    slug
                    for slug in self.names.get(key, set())
                    if set(fold_family(model_key(slug)).split("-")) <= words
                    and own <= said | _numbers(model_key(slug))
                }
        return hits


_GENERATION = re.compile(r"-\d{1,2}$")  # "mistral-large-2": a generation number


def _numbers(key: str) -> set[str]:
    """The numbers of an identity key: versions, sizes, dates ("grok-4-0709" -> 4, 0709)."""
    return set(re.findall(r"\d+", key))


def match(records: list[ModelRecord], catalog: CatalogView, identity: Identity) -> list[Target]:
    """Each record's model: by the ids the data states, then by name; else a new model.

    A record that could join two models joins neither: it becomes its own model, under its
    own id, and is reported as ambiguous.
    """
    index = Index()
    # Only models some source states (or the curated seed) answer to ids and names: an imported
    # model no source claims any more (one `modelcat import repair` cleared) is a leftover of
    # older matching; a record whose own slug it holds takes its row over.
    indexed = {
        slug: model
        for slug, model in catalog.models.items()
        if model.origin == Origin.CURATED or model.id in catalog.claims
    }
    for model in indexed.values():
        index.slugs.setdefault(model_key(model.slug), model.slug)
        index.add_ids([model_key(model.slug)], model.slug)
        index.add_names([name_key(model_key(model.name, route=False))], model.slug)
    aliases = {
        alias
        for alias, (model_id, _) in catalog.aliases.items()
        if catalog.by_id[model_id].slug in indexed
    }
    for alias in aliases:
        index.add_ids([model_key(alias)], catalog.by_id[catalog.aliases[alias][0]].slug)
    taken = set(indexed) | aliases
    targets: dict[str, Target] = {}
    # The maker's records go first, then those whose id and display name agree, so that a
    # model's slug comes from the maker's id ("gpt-oss-120b"), not a reseller's.
    for record in sorted(records, key=_plain_first):

        def same_maker(found: set[str], record: ModelRecord = record) -> set[str]:
            # Epoch's "FAST" (a 2006 detector of the University of Cambridge) is not Stability's
            # "stability/fast": a name joins no model whose entries state another maker
            return {slug for slug in found if not _other_maker(record, catalog, slug)}

        hits = same_maker(index.by_id(record))
        if not hits and record.foldable:
            hits = same_maker(index.by_fold(record))
        if not hits:
            hits = same_maker(index.by_experts(record))
        releases: set[str] = set()
        if not hits:
            releases, dated = index.of_month(record)
            if len(dated) == 1:  # the one release of the record's release month
                hits = same_maker(dated)
                # "Mistral Medium" names every release: not an alias of the one it joined
                record.placed = bool(releases)
        if len(hits) == 1:
            identity.by_id += 1
        elif not hits and len(releases) > 1:
            # "claude-3.5-sonnet" names the June and the October 2024 releases: joining either
            # is a guess, and a model of its own is a phantom (its route's offer is not kept)
            identity.releases.append(
                f"{record.external_id} (could be {' or '.join(sorted(releases))})"
            )
            continue
        elif not hits:
            # A maker's own id that names no model is a new model, even when another of the
            # maker's models shares its display name ("command-r" vs "command-r-08-2024").
            hits = same_maker(
                index.by_name(record, names=not (record.first_party and record.routes))
            )
            if len(hits) == 1:
                identity.by_name += 1
        if len(hits) == 1:
            slug = next(iter(hits))
        else:
            if hits:
                identity.ambiguous.append(
                    f"{record.external_id}: could be {' or '.join(sorted(hits))}; joined neither"
                )
            else:
                identity.new += 1
            first = model_slug(record.external_id, route=record.routes) or slugify(record.name)
            if first in taken and not record.routes and record.links:
                # another model holds the name: its maker-qualified name ("FAST (University of
                # Cambridge)"), which the record states as an id, so the next run finds it
                first = model_slug(record.links[0], route=False) or first
            slug = _free_slug(first, taken)
            taken.add(slug)
            index.slugs.setdefault(model_key(slug), slug)
        index.add_ids(record.id_keys, slug)
        index.add_names(record.name_keys, slug)
        target = targets.setdefault(slug, Target(slug, catalog.models.get(slug), []))
        target.records.append(record)
    for slug, shared in share_release(targets, index, catalog):
        targets.setdefault(slug, Target(slug, catalog.models[slug], [])).records.append(shared)
    return list(targets.values())


def share_release(
    targets: dict[str, Target], index: Index, catalog: CatalogView
) -> list[tuple[str, ModelRecord]]:
    """Copies of the release facts of a named open-weights release for its tuning variants.

    Epoch lists a release once ("Mixtral 8x7B"): its weights, base and instruction-tuned, came
    out together. Where a listing tells "mixtral-8x7b" and "mixtral-8x7b-instruct" apart, the
    row joins the base model; the instruct model shares its maker, open weights and release
    date (a copy stating only those, under no name: any statement of the variant's own wins).
    """
    shared = []
    for slug, target in targets.items():
        for record in target.records:
            if record.routes or record.shared or record.open_weights is not True:
                continue
            family = fold_family(model_key(slug))
            for variant in sorted(index.folded.get(family, set()) - {slug}):
                if variant in catalog.models and fold_family(model_key(variant)) == family:
                    shared.append((variant, _release_only(record)))
    return shared


def _release_only(record: ModelRecord) -> ModelRecord:
    return ModelRecord(
        external_id=record.external_id,
        name=record.name,
        organization=record.organization,
        open_weights=record.open_weights,
        release_date=record.release_date,
        access=record.access,
        routes=False,
        first_party=record.first_party,
        foldable=False,
        shared=True,
    )


def _other_maker(record: ModelRecord, catalog: CatalogView, slug: str) -> bool:
    """Whether a record known only by a name (Epoch's) states a maker the model's own claims
    never do: the same name, another company's model. A record of routes is not checked (a
    route's maker is read from its path, and a model's routes may name a lab it builds on)."""
    model = catalog.models.get(slug)
    if record.routes or record.organization is None or model is None:
        return False
    stated = {
        value
        for (field, _), (value, _) in catalog.claims.get(model.id, {}).items()
        if field == "organization"
    }
    if model.organization_id is not None:
        stated.add(catalog.org_slugs.get(model.organization_id, ""))
    companies = {company_of(org) for org in stated if org}
    return bool(companies) and company_of(org_slug(record.organization)) not in companies


def _plain_first(record: ModelRecord) -> tuple[bool, bool, str]:
    """The maker's records first (their ids name the model), then plain ids, then the rest."""
    plain = model_key(record.external_id, route=record.routes) == model_key(
        record.name, route=False
    )
    return (not record.first_party, not plain, record.external_id)


def _free_slug(key: str, taken: set[str]) -> str:
    slug, n = key or "model", 2
    while slug in taken:
        slug, n = f"{key}-{n}", n + 1
    return slug
