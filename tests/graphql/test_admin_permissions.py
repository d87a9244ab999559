"""Every write, and every admin read, is behind its permission class: a new mutation that
forgets it fails here rather than writing without a token."""

from strawberry.permission import PermissionExtension
from strawberry.types.field import StrawberryField

from service.graphql.auth import AdminRead, AdminWrite
from service.graphql.schema import schema

ADMIN_READS = {"auditLog"}


def _permissions(type_name: str) -> dict[str, set[type]]:
    graphql_type = schema._schema.get_type(type_name)
    assert graphql_type is not None
    found: dict[str, set[type]] = {}
    for name, field in graphql_type.fields.items():
        definition = field.extensions["strawberry-definition"]
        assert isinstance(definition, StrawberryField)
        found[name] = {
            type(permission)
            for extension in definition.extensions
            if isinstance(extension, PermissionExtension)
            for permission in extension.permissions
        }
    return found


def test_every_mutation_needs_an_admin_token_for_writes() -> None:
    mutations = _permissions("Mutation")
    assert len(mutations) > 20
    assert {name for name, classes in mutations.items() if AdminWrite not in classes} == set()


def test_admin_reads_need_an_admin_token_and_public_reads_none() -> None:
    guarded = {name: classes for name, classes in _permissions("Query").items() if classes}
    assert guarded == {name: {AdminRead} for name in ADMIN_READS}
