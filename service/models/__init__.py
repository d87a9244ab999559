"""ORM models; importing this package registers every table on Base.metadata."""

from service.models.admin import ApiToken, AuditEntry
from service.models.base import Base
from service.models.catalog_state import CatalogState
from service.models.collection import Collection, CollectionMember
from service.models.license import License
from service.models.model import Model, ModelAlias, ModelCitation, ModelLineage, ModelVariant
from service.models.offer import Offer
from service.models.organization import Organization, OrganizationAlias
from service.models.pricing import Price
from service.models.provenance import FactClaim, FactConflict
from service.models.source import Source
from service.models.task import Capability, Task

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Base",
    "Capability",
    "CatalogState",
    "Collection",
    "CollectionMember",
    "FactClaim",
    "FactConflict",
    "License",
    "Model",
    "ModelAlias",
    "ModelCitation",
    "ModelLineage",
    "ModelVariant",
    "Offer",
    "Organization",
    "OrganizationAlias",
    "Price",
    "Source",
    "Task",
]
