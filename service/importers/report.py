"""What share of the catalog a person can rely on: organization, price or offer, usability."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.catalog.identity import synonyms
from service.catalog.imports import coverage

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True)
class CatalogReport:
    models: int
    with_organization: int
    with_price: int
    with_offer: int
    with_price_or_priced_offer: int
    with_context_window: int
    context_window_zero: int
    research_only: int
    organizations: int
    offers: int
    named_after_id: tuple[str, ...] = ()  # organizations whose name is only their id, title-cased

    def lines(self) -> list[str]:
        def share(n: int) -> str:
            return f"{n:>6,}  {100 * n / self.models:5.1f}%" if self.models else f"{n:>6,}"

        return [
            f"models                              {self.models:>6,}",
            f"  with an organization              {share(self.with_organization)}",
            f"  with a price (the maker's)        {share(self.with_price)}",
            f"  with an offer (any provider)      {share(self.with_offer)}",
            f"  with a price or a priced offer    {share(self.with_price_or_priced_offer)}",
            f"  with a known context window       {share(self.with_context_window)}",
            f"  with a context window of 0        {share(self.context_window_zero)}",
            f"  research only (no API, no weights) {share(self.research_only)}",
            f"organizations                       {self.organizations:>6,}",
            f"  named after their id (no name on record) {len(self.named_after_id):>6,}"
            + (f": {', '.join(self.named_after_id[:10])}" if self.named_after_id else ""),
            f"offers                              {self.offers:>6,}",
        ]


def catalog_report(engine: "Engine") -> CatalogReport:
    counts, named = coverage(engine)
    raw = tuple(slug for slug, name in named if looks_raw(slug, name))
    return CatalogReport(**counts, named_after_id=raw)


def looks_raw(slug: str, name: str) -> bool:
    """A name that is only the organization's id with its words capitalised ("Gmi" for gmi),
    for an organization the synonyms file does not name: what a data set giving only an id
    (LiteLLM's `litellm_provider`) leaves. Such a name may happen to be right; it is unchecked."""
    if slug in synonyms().names:
        return False
    words = slug.replace("_", "-").split("-")
    return name in {" ".join(w.capitalize() for w in words), slug}
