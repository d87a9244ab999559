"""One organization per company: merge the duplicates and keep every spelling as an alias.

The synonyms are data (`seed/taxonomy/organization_synonyms.yaml`). Each import starts by
folding the organizations the catalog already holds into the one their synonyms name, so a
duplicate left by an older run (Google AI beside Google) merges instead of lingering: its
models and offers move to the company, and its spellings become the company's aliases.
"""

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from service.catalog.changes import Change, ChangeLog
from service.catalog.identity import org_words, slugify, synonyms
from service.catalog.upsert import sync_children_many
from service.models import Model, Offer, Organization, OrganizationAlias


def merge_organizations(session: Session, log: ChangeLog) -> None:
    """Fold duplicate organizations into their company and give them their display names."""
    known = synonyms()
    orgs = {org.slug: org for org in session.scalars(select(Organization))}
    for slug, org in sorted(orgs.items()):
        company = known.slugs.get(org_words(org.name)) or known.slugs.get(org_words(slug))
        if company is None or company == slug:
            continue
        target = orgs.get(company)
        if target is None:  # the company is not in the catalog yet: this row becomes it
            log.add(Change("update", "organization", slug, {"slug": (slug, company)}, None, None))
            org.slug, org.name = company, known.names[company]
            orgs[company] = org
            session.flush()
            continue
        _move(session, org.id, target.id)
        session.delete(org)
        session.flush()
        log.add(Change("delete", "organization", slug, before={"merged_into": company}))
    for slug, org in orgs.items():
        name = known.names.get(slug)
        if name and org.slug == slug and org.name != name:
            log.add(Change("update", "organization", slug, {"name": (org.name, name)}))
            org.name = name
    session.flush()


def sync_organization_aliases(session: Session, log: ChangeLog) -> None:
    """Each company's spellings from the synonyms file, as its aliases."""
    _sync_aliases(session, {o.slug: o for o in session.scalars(select(Organization))}, log)


def _move(session: Session, old: int, new: int) -> None:
    session.execute(
        update(Model).where(Model.organization_id == old).values(organization_id=new),
        execution_options={"synchronize_session": False},
    )
    # an offer of the duplicate that the company already makes for the same model goes
    kept = {
        (mid, sid)
        for mid, sid in session.execute(
            select(Offer.model_id, Offer.source_id).where(Offer.provider_id == new)
        )
    }
    for offer_id, mid, sid in session.execute(
        select(Offer.id, Offer.model_id, Offer.source_id).where(Offer.provider_id == old)
    ).all():
        if (mid, sid) in kept:
            session.execute(delete(Offer).where(Offer.id == offer_id))
        else:
            session.execute(update(Offer).where(Offer.id == offer_id).values(provider_id=new))
    session.execute(delete(OrganizationAlias).where(OrganizationAlias.organization_id == old))


def _sync_aliases(session: Session, orgs: dict[str, Organization], log: ChangeLog) -> None:
    """Each company's spellings from the synonyms file, as its aliases (not its own slug/name)."""
    spellings: dict[str, list[str]] = {}
    for words, slug in synonyms().slugs.items():
        spellings.setdefault(slug, []).append(words)
    desired: dict[int, list[dict[str, Any]]] = {}
    for slug, org in orgs.items():
        own = {org.slug, org.name.lower(), org_words(org.name), slugify(org.name)}
        aliases = sorted(w for w in spellings.get(slug, []) if w not in own)
        desired[org.id] = [{"alias": alias, "source_id": None} for alias in aliases]
    sync_children_many(
        session,
        OrganizationAlias,
        "organization_id",
        desired,
        ["alias"],
        log,
        "organization alias",
        lambda oid, item: item["alias"],
    )
