"""The audit log: every change to the catalog, who made it and what it was."""

from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from service.graphql.fields import field
from service.models import AuditEntry


@strawberry.type(name="AuditEntry", description="One change: who, when, what, before and after.")
class AuditEntryType:
    row: strawberry.Private[AuditEntry]

    @field(description="Pass as beforeId to page back to older entries.")
    def id(self) -> int:
        return self.row.id

    @field(description="When the change was committed (UTC).")
    def at(self) -> datetime:
        return self.row.at

    @field(description="'token:NAME' for the API, 'cli:USER' for the command line.")
    def actor(self) -> str:
        return self.row.actor

    @field(description="The mutation, 'seed', or the import that made the change.")
    def operation(self) -> str:
        return self.row.operation

    @field(description="create, update or delete.")
    def action(self) -> str:
        return self.row.action

    @field(description="The kind of record changed: 'model', 'organization', 'price'…")
    def entity(self) -> str:
        return self.row.entity

    @field(description="Which record: its slug, or the key that names it within its model.")
    def entity_key(self) -> str:
        return self.row.entity_key

    @field(description="The record's fields before the change; null for a create.")
    def before(self) -> JSON | None:
        return cast(JSON | None, self.row.before)

    @field(description="The record's fields after the change; null for a delete.")
    def after(self) -> JSON | None:
        return cast(JSON | None, self.row.after)

    @field(description="Changes made in one transaction share this id.")
    def transaction_id(self) -> str:
        return str(self.row.transaction_id)
