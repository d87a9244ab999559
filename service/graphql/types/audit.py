from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from service.models import AuditEntry


@strawberry.type(name="AuditEntry", description="One change: who, when, what, before and after.")
class AuditEntryType:
    row: strawberry.Private[AuditEntry]

    @strawberry.field(description="Pass as beforeId to page back to older entries.")
    def id(self) -> int:
        return self.row.id

    @strawberry.field
    def at(self) -> datetime:
        return self.row.at

    @strawberry.field(description="'token:NAME' for the API, 'cli:USER' for the command line.")
    def actor(self) -> str:
        return self.row.actor

    @strawberry.field(description="The mutation, 'seed', or the import that made the change.")
    def operation(self) -> str:
        return self.row.operation

    @strawberry.field(description="create, update or delete.")
    def action(self) -> str:
        return self.row.action

    @strawberry.field
    def entity(self) -> str:
        return self.row.entity

    @strawberry.field
    def entity_key(self) -> str:
        return self.row.entity_key

    @strawberry.field
    def before(self) -> JSON | None:
        return self.row.before

    @strawberry.field
    def after(self) -> JSON | None:
        return self.row.after

    @strawberry.field(description="Changes made in one transaction share this id.")
    def transaction_id(self) -> str:
        return str(self.row.transaction_id)
