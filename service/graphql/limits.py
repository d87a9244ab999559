"""Per-document and per-request limits that keep a query's cost and its inputs bounded.

- `GrowingListNesting` (a validation rule, cached with the document): lists that grow with the
  catalog may nest at most `MAX_GROWING_LIST_NESTING` deep on any path, so
  `organizations { models { organization { models { ... } } } }` is refused before it runs.
  This is a stopgap until those lists become paginated connections under a cost limit.
- `request_problems` (per request, as it depends on the variables and the operation name):
  a document holding several operations needs `operationName`; every string argument,
  written in the document or sent as a variable, has a length limit and may hold neither NUL
  nor a lone surrogate.
"""

import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    ValidationRule,
    ValueNode,
    VariableNode,
    get_named_type,
)

MAX_GROWING_LIST_NESTING = 2
# Lists whose length grows with the catalog and that take no page size (type, field).
GROWING_LISTS = frozenset(
    {
        ("Query", "organizations"),
        ("Query", "licenses"),
        ("Query", "tasks"),
        ("Query", "collections"),
        ("Query", "sources"),
        ("Organization", "models"),
        ("License", "models"),
        ("Task", "models"),
        ("Collection", "models"),
        # A page of a connection holds up to 100 nodes: it multiplies like a list.
        ("ModelConnection", "nodes"),
        ("ModelConnection", "edges"),
    }
)

MAX_SEARCH_LENGTH = 200
MAX_READ_STRING_LENGTH = 1_000
MAX_WRITE_STRING_LENGTH = 10_000
SHORT_ARGUMENTS = {"search": MAX_SEARCH_LENGTH}
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def _problem(message: str, code: str, argument: str | None = None) -> GraphQLError:
    extensions = {"code": code, **({"argument": argument} if argument else {})}
    return GraphQLError(message, extensions=extensions)


# ---- list nesting --------------------------------------------------------------------------


class _NestingMeter:
    """The deepest chain of growing lists under a selection set, fragments followed once."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode):
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.memo: dict[str, tuple[int, list[str]]] = {}
        self.in_progress: set[str] = set()

    def deepest(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None
    ) -> tuple[int, list[str]]:
        best: tuple[int, list[str]] = (0, [])
        if selection_set is None or not isinstance(parent, GraphQLObjectType):
            return best
        for selection in selection_set.selections:
            found = self._selection(selection, parent)
            if found[0] > best[0]:
                best = found
        return best

    def _selection(self, selection: Any, parent: GraphQLObjectType) -> tuple[int, list[str]]:
        if isinstance(selection, FieldNode):
            field = parent.fields.get(selection.name.value)
            if field is None:
                return 0, []
            child = get_named_type(field.type)
            depth, path = self.deepest(selection.selection_set, child)
            if (parent.name, selection.name.value) in GROWING_LISTS:
                return depth + 1, [selection.name.value, *path]
            return depth, path
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = self.schema.get_type(condition.name.value) if condition else parent
            return self.deepest(selection.selection_set, target)
        if isinstance(selection, FragmentSpreadNode):
            return self._fragment(selection.name.value)
        return 0, []

    def _fragment(self, name: str) -> tuple[int, list[str]]:
        if name in self.memo:
            return self.memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.in_progress:  # other rules report these
            return 0, []
        self.in_progress.add(name)
        target = self.schema.get_type(fragment.type_condition.name.value)
        self.memo[name] = self.deepest(fragment.selection_set, target)
        self.in_progress.discard(name)
        return self.memo[name]


class GrowingListNesting(ValidationRule):
    """Refuse documents nesting catalog-sized lists deeper than MAX_GROWING_LIST_NESTING."""

    def enter_document(self, node: DocumentNode, *_: Any) -> None:
        schema = self.context.schema
        meter = _NestingMeter(schema, node)
        for definition in node.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            root = schema.get_root_type(definition.operation)
            depth, path = meter.deepest(definition.selection_set, root)
            if depth > MAX_GROWING_LIST_NESTING:
                self.report_error(
                    GraphQLError(
                        f"this query nests {depth} lists that grow with the catalog "
                        f"({' > '.join(path)}); at most {MAX_GROWING_LIST_NESTING} may nest. "
                        "Ask for the inner lists in a second query, or page through "
                        "`models(first:, after:)`.",
                        definition,
                        extensions={"code": "QUERY_TOO_EXPENSIVE"},
                    )
                )


# ---- per-request checks --------------------------------------------------------------------


def _operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


def _string_problem(value: str, argument: str, limit: int) -> GraphQLError | None:
    if len(value) > limit:
        return _problem(
            f"argument {argument} is {len(value)} characters long; the limit is {limit}",
            "BAD_USER_INPUT",
            argument,
        )
    if match := _FORBIDDEN.search(value):
        what = "a NUL character" if match.group() == "\x00" else "a lone surrogate (not Unicode)"
        return _problem(f"argument {argument} contains {what}", "BAD_USER_INPUT", argument)
    return None


def _python_strings(value: Any, path: str) -> Iterator[tuple[str, str, str]]:
    """(text, path, key) for every string in a variable's value."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            yield item, where, where.rsplit(".", 1)[-1].split("[", 1)[0]
        elif isinstance(item, dict):
            stack.extend((v, f"{where}.{k}") for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))


def _literal_strings(
    node: ValueNode, path: str, variables: dict[str, Any]
) -> Iterator[tuple[str, str, str]]:
    key = path.rsplit(".", 1)[-1].split("[", 1)[0]
    if isinstance(node, StringValueNode):
        yield node.value, path, key
    elif isinstance(node, VariableNode):
        if node.name.value in variables:
            # Named by the argument the variable fills, whose limit applies.
            yield from _python_strings(variables[node.name.value], path)
    elif isinstance(node, ObjectValueNode):
        for field in node.fields:
            yield from _literal_strings(field.value, f"{path}.{field.name.value}", variables)
    elif isinstance(node, ListValueNode):
        for index, item in enumerate(node.values):
            yield from _literal_strings(item, f"{path}[{index}]", variables)


def _arguments(document: DocumentNode) -> Iterator[tuple[str, ValueNode]]:
    """Every (argument name, value) in the document, fragments included."""
    stack: list[Any] = list(document.definitions)
    while stack:
        node = stack.pop()
        if isinstance(node, FieldNode):
            for argument in node.arguments or ():
                yield argument.name.value, argument.value
        selection_set = getattr(node, "selection_set", None)
        if selection_set is not None:
            stack.extend(selection_set.selections)


def request_problems(
    document: DocumentNode, operation_name: str | None, variables: dict[str, Any] | None
) -> list[GraphQLError]:
    """What is wrong with this request beyond the document's validity, each with a code."""
    operations = _operations(document)
    if len(operations) > 1 and operation_name is None:
        return [
            _problem(
                f"the document holds {len(operations)} operations; send operationName to say "
                "which one to run",
                "OPERATION_NAME_REQUIRED",
            )
        ]
    is_write = any(o.operation == OperationType.MUTATION for o in operations)
    default_limit = MAX_WRITE_STRING_LENGTH if is_write else MAX_READ_STRING_LENGTH
    problems: list[GraphQLError] = []
    for name, value in _arguments(document):
        for text, path, key in _literal_strings(value, name, variables or {}):
            limit = SHORT_ARGUMENTS.get(key, default_limit)
            if problem := _string_problem(text, path, limit):
                problems.append(problem)
    return problems
