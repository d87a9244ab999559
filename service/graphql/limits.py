"""Per-document and per-request limits that keep a query's cost and its inputs bounded.

- `query_cost_limit(limit)` (a validation rule, cached with the document): a document's
  estimated cost (each field 1; a list multiplies its fields by its page size, nested
  multiplicatively) may not pass the limit, so
  `organizations { models { organization { models { ... } } } }` is refused before it runs.
- `request_problems` (per request, as it depends on the variables and the operation name):
  a document holding several operations needs `operationName`; every string argument,
  written in the document or sent as a variable, has a length limit and may hold neither NUL
  nor a lone surrogate.
"""

import functools
import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
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

from service.catalog.pages import DEFAULT_PAGE, MAX_PAGE

MAX_PAGE_SIZE = MAX_PAGE  # the largest `first`/`last` any connection takes
# Every list that grows with the catalog is a connection taking `first`/`last`; every other
# list without a page size is bounded by its parent (a model's aliases or prices, the 2 to 10
# models of a comparison) and counts once, except lists sized by an argument's list of keys
# (type, field): argument.
LISTS_SIZED_BY_KEYS = {("Query", "nodes"): "ids"}
PAGE_ARGUMENTS = ("last", "first")  # `last` pages backward and wins when both are given

MAX_SEARCH_LENGTH = 200
MAX_READ_STRING_LENGTH = 1_000
MAX_WRITE_STRING_LENGTH = 10_000
SHORT_ARGUMENTS = {"search": MAX_SEARCH_LENGTH}
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def _problem(message: str, code: str, argument: str | None = None) -> GraphQLError:
    extensions = {"code": code, **({"argument": argument} if argument else {})}
    return GraphQLError(message, extensions=extensions)


# ---- query cost ----------------------------------------------------------------------------


class _CostMeter:
    """A selection set's estimated cost: each field 1, a list's children times its page size.

    Costs are linear in the multiplier, so a fragment's cost is computed once and reused.
    """

    def __init__(self, schema: GraphQLSchema, document: DocumentNode):
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.memo: dict[str, int] = {}
        self.in_progress: set[str] = set()

    def cost(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None) -> int:
        if selection_set is None or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return 0
        return sum(self._selection(s, parent) for s in selection_set.selections)

    def _selection(self, selection: Any, parent: GraphQLObjectType | GraphQLInterfaceType) -> int:
        if isinstance(selection, FieldNode):
            field = parent.fields.get(selection.name.value)
            if field is None:  # __typename, or a field other rules report
                return 1
            children = self.cost(selection.selection_set, get_named_type(field.type))
            return 1 + page_size(parent.name, selection, field) * children
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = self.schema.get_type(condition.name.value) if condition else parent
            return self.cost(selection.selection_set, target)
        if isinstance(selection, FragmentSpreadNode):
            return self._fragment(selection.name.value)
        return 0

    def _fragment(self, name: str) -> int:
        if name in self.memo:
            return self.memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.in_progress:  # other rules report these
            return 0
        self.in_progress.add(name)
        target = self.schema.get_type(fragment.type_condition.name.value)
        self.memo[name] = self.cost(fragment.selection_set, target)
        self.in_progress.discard(name)
        return self.memo[name]


def page_size(parent: str, node: FieldNode, field: GraphQLField) -> int:
    """How many items a field may answer: its page size, a full page, or 1."""
    given = {a.name.value: a.value for a in node.arguments or ()}
    keys = LISTS_SIZED_BY_KEYS.get((parent, node.name.value))
    if keys is not None:
        value = given.get(keys)
        if isinstance(value, ListValueNode):
            return max(1, min(len(value.values), MAX_PAGE_SIZE))
        return MAX_PAGE_SIZE  # a variable: its largest allowed length
    for name in PAGE_ARGUMENTS:
        argument = field.args.get(name)
        if argument is None:
            continue
        value = given.get(name)
        if isinstance(value, IntValueNode):
            return max(1, min(int(value.value), MAX_PAGE_SIZE))
        if isinstance(value, VariableNode):  # unknown until run: its largest allowed value
            return MAX_PAGE_SIZE
        if (value is None or isinstance(value, NullValueNode)) and name == "first":
            # Not given or null: the default page (a connection always answers a page).
            default = argument.default_value
            return max(1, min(default if isinstance(default, int) else DEFAULT_PAGE, MAX_PAGE_SIZE))
    return 1


def query_costs(
    schema: GraphQLSchema, document: DocumentNode
) -> list[tuple[OperationDefinitionNode, int]]:
    """Each operation of the document with its estimated cost."""
    meter = _CostMeter(schema, document)
    costs = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            root = schema.get_root_type(definition.operation)
            costs.append((definition, meter.cost(definition.selection_set, root)))
    return costs


@functools.cache
def query_cost_limit(limit: int) -> type[ValidationRule]:
    """The validation rule refusing operations that cost more than `limit` (one class per limit,
    so the validation cache, whose key holds the rules, keeps hitting)."""

    class QueryCostLimit(ValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> None:
            for operation, cost in query_costs(self.context.schema, node):
                if cost > limit:
                    self.report_error(
                        GraphQLError(
                            f"this query costs {cost:,} and the limit is {limit:,}: each field "
                            "costs 1 and a list multiplies its fields by its page size "
                            f"(`first`/`last`, or its default; {MAX_PAGE_SIZE} for a variable). "
                            "Ask for smaller pages, or for the inner lists in a second query.",
                            operation,
                            extensions={
                                "code": "QUERY_TOO_EXPENSIVE",
                                "cost": cost,
                                "limit": limit,
                            },
                        )
                    )

    return QueryCostLimit


# ---- per-request checks --------------------------------------------------------------------


def operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    """The document's operations, in order."""
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
    found = operations(document)
    if len(found) > 1 and operation_name is None:
        return [
            _problem(
                f"the document holds {len(found)} operations; send operationName to say "
                "which one to run",
                "OPERATION_NAME_REQUIRED",
            )
        ]
    is_write = any(o.operation == OperationType.MUTATION for o in found)
    default_limit = MAX_WRITE_STRING_LENGTH if is_write else MAX_READ_STRING_LENGTH
    problems: list[GraphQLError] = []
    for name, value in _arguments(document):
        for text, path, key in _literal_strings(value, name, variables or {}):
            limit = SHORT_ARGUMENTS.get(key, default_limit)
            if problem := _string_problem(text, path, limit):
                problems.append(problem)
    return problems
