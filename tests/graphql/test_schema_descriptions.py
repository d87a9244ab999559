"""Every part of the schema a GraphiQL reader browses is described: types, fields, arguments,
input fields and enum values. An undescribed one is listed by its path."""

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    specified_scalar_types,
)

from service.graphql.schema import schema

# Descriptions that say nothing a name does not ("The name field.", "Slug.").
TOO_SHORT = 12


def _undescribed(named: GraphQLNamedType) -> list[str]:
    if named.name.startswith("__") or named.name in specified_scalar_types:
        return []  # GraphQL's own, described by the specification
    missing = [] if named.description else [named.name]
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        for name, field in named.fields.items():
            if not field.description:
                missing.append(f"{named.name}.{name}")
            missing += [
                f"{named.name}.{name}({arg}:)"
                for arg, argument in field.args.items()
                if not argument.description
            ]
    if isinstance(named, GraphQLInputObjectType):
        missing += [f"{named.name}.{n}" for n, f in named.fields.items() if not f.description]
    if isinstance(named, GraphQLEnumType):
        missing += [f"{named.name}.{n}" for n, v in named.values.items() if not v.description]
    return missing


def undescribed(graphql_schema: GraphQLSchema) -> list[str]:
    return [path for named in graphql_schema.type_map.values() for path in _undescribed(named)]


def descriptions(graphql_schema: GraphQLSchema) -> dict[str, str]:
    found: dict[str, str] = {}
    for named in graphql_schema.type_map.values():
        if named.name.startswith("__") or named.name in specified_scalar_types:
            continue
        found[named.name] = named.description or ""
        fields = getattr(named, "fields", {})
        for name, field in fields.items():
            found[f"{named.name}.{name}"] = field.description or ""
            for arg, argument in getattr(field, "args", {}).items():
                found[f"{named.name}.{name}({arg}:)"] = argument.description or ""
        for name, value in getattr(named, "values", {}).items():
            found[f"{named.name}.{name}"] = value.description or ""
    return found


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    assert undescribed(schema._schema) == []


def test_no_description_is_a_bare_label() -> None:
    short = {
        path: text for path, text in descriptions(schema._schema).items() if len(text) < TOO_SHORT
    }
    assert short == {}


def test_the_check_names_each_undescribed_part_by_its_path() -> None:
    bare = build_schema(
        """
        "A described type."
        type Query {
          "A described field."
          model(slug: String): Model
        }
        type Model { name: String }
        enum Kind { "A described value." OPEN CLOSED }
        input Patch { name: String }
        """
    )
    assert sorted(undescribed(bare)) == [
        "Kind",
        "Kind.CLOSED",
        "Model",
        "Model.name",
        "Patch",
        "Patch.name",
        "Query.model(slug:)",
    ]
