"""Every row an import run compares against, read once at the start of the run."""

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.catalog.precedence import PRECEDENCE
from service.catalog.reads import model_price_in_force
from service.models import (
    FactClaim,
    FactConflict,
    License,
    Model,
    ModelAlias,
    ModelCitation,
    Organization,
    Price,
    Source,
    Task,
)
from service.models.base import Origin

# A conflict's chosen_by when a maker's own entries disagree (service/importers/conflicts.py)
DISPUTED_PREFIX = "the maker's own entries in "
# (field, source id) -> (value, source slug): what each source says of one model
Claims = dict[tuple[str, int], tuple[str, str]]


class CatalogView:
    """Every row the run compares against, read once."""

    def __init__(self, session: Session) -> None:
        self.sources = {s.id: s.slug for s in session.scalars(select(Source))}
        self.orgs = {o.slug: o for o in session.scalars(select(Organization))}
        self.org_slugs = {o.id: o.slug for o in self.orgs.values()}
        self.licenses = {lic.slug: lic for lic in session.scalars(select(License))}
        self.license_slugs = {lic.id: lic.slug for lic in self.licenses.values()}
        self.tasks = {t.slug: t.id for t in session.scalars(select(Task))}
        self.models = {m.slug: m for m in session.scalars(select(Model))}
        self.by_id = {m.id: m for m in self.models.values()}
        self.aliases: dict[str, tuple[int, int | None]] = {
            alias.lower(): (model_id, source_id)
            for model_id, alias, source_id in session.execute(
                select(ModelAlias.model_id, ModelAlias.alias, ModelAlias.source_id)
            )
        }
        self.claims: dict[int, Claims] = {}
        # model -> (field, source id) of the claims only a cloud of the maker's company states
        self.cloud: dict[int, set[tuple[str, int]]] = {}
        for claim in session.execute(
            select(
                FactClaim.model_id,
                FactClaim.field,
                FactClaim.source_id,
                FactClaim.value,
                FactClaim.cloud_only,
            )
        ):
            self.claims.setdefault(claim.model_id, {})[(claim.field, claim.source_id)] = (
                claim.value,
                self.sources[claim.source_id],
            )
            if claim.cloud_only:
                self.cloud.setdefault(claim.model_id, set()).add((claim.field, claim.source_id))
        self.citations = {
            (c.model_id, c.field): c.source_id
            for c in session.execute(
                select(ModelCitation.model_id, ModelCitation.field, ModelCitation.source_id)
            )
        }
        # The price in force today: a price recorded ahead of its date is not yet the shown one.
        today = date.today()
        self.curated_prices = {
            p.model_id: p for p in session.scalars(select(Price).where(model_price_in_force(today)))
        }
        # Models with a price an import did not write (set through the API, or dated): the
        # import leaves their prices alone and records its own claim and the conflict instead.
        imports = [sid for sid, slug in self.sources.items() if slug in PRECEDENCE]
        self.api_priced = set(
            session.scalars(
                select(Price.model_id).where(
                    Price.source_id.is_(None)
                    | Price.source_id.not_in(imports)
                    | Price.effective_from.is_not(None)
                )
            )
        )

        self.sources_ranked = {sid for sid, slug in self.sources.items() if slug in PRECEDENCE}
        # (model, field) cited by the curated seed, and by an import (a filled unknown)
        self.cited_by_seed: set[tuple[int, str]] = set()
        self.cited_by_import: set[tuple[int, str]] = set()
        for c in session.execute(
            select(ModelCitation.model_id, ModelCitation.field, ModelCitation.source_id)
        ):
            kind = (
                self.cited_by_import if c.source_id in self.sources_ranked else self.cited_by_seed
            )
            kind.add((c.model_id, c.field))
        # model -> (field, source id) -> what the maker's disagreeing entries state
        self.disputes: dict[int, dict[tuple[str, int], str]] = {}
        for row in session.execute(
            select(
                FactConflict.model_id,
                FactConflict.field,
                FactConflict.source_id,
                FactConflict.value,
            ).where(FactConflict.chosen_by.startswith(DISPUTED_PREFIX))
        ):
            self.disputes.setdefault(row.model_id, {})[(row.field, row.source_id)] = row.value
        # curated model -> field -> (value, source id) of the unknowns an import filled
        self.filled: dict[int, dict[str, tuple[str, int]]] = {}

    @classmethod
    def load(cls, session: Session) -> "CatalogView":
        return cls(session)

    def claimed_by(self, source_id: int) -> set[int]:
        return {
            mid for mid, claims in self.claims.items() if any(s == source_id for _, s in claims)
        }

    def claims_with(
        self, source_id: int, desired: dict[int, list[dict[str, Any]]]
    ) -> dict[int, Claims]:
        """Every model's claims, with this source's replaced by what this run wrote."""
        slug = self.sources[source_id]
        merged: dict[int, Claims] = {}
        for mid, items in desired.items():
            kept = {k: v for k, v in self.claims.get(mid, {}).items() if k[1] != source_id}
            for item in items:
                kept[(item["field"], source_id)] = (item["value"], slug)
            merged[mid] = kept
        return merged

    def cloud_with(
        self, source_id: int, desired: dict[int, list[dict[str, Any]]]
    ) -> dict[int, set[tuple[str, int]]]:
        """Every model's cloud-only claims, with this source's replaced by this run's."""
        merged = {mid: {k for k in keys if k[1] != source_id} for mid, keys in self.cloud.items()}
        for mid, items in desired.items():
            kept = merged.setdefault(mid, set())
            kept |= {(item["field"], source_id) for item in items if item.get("cloud_only")}
        return merged

    def slug_of(self, model_id: int) -> str:
        return self.by_id[model_id].slug

    def is_curated(self, model_id: int) -> bool:
        return self.by_id[model_id].origin == Origin.CURATED
