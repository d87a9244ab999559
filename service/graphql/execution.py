"""Cheaper execution of plain fields, with the same answers and errors as graphql-core's.

Most of an answer's fields (a comparison's sections, rows and cells; a fact's display and
state) are plain attributes of objects the domain already shaped. graphql-core executes each
of them as a field of its own: resolve info, a resolver call, an awaitable check and value
completion, several microseconds apiece, hundreds of times per comparison. Two shortcuts:

- `PlainObjectExecutor` completes an object whose selected fields are all plain (no resolver,
  no arguments, no defer) in one tight pass over a plan built once per selection. On anything
  unusual (a null where the schema says non-null, a value a scalar refuses, a list that is no
  list) it gives up and lets graphql-core complete the object again, which produces the
  proper error: reading plain attributes twice has no side effect.
- `lighten_resolvers` gives synchronous resolvers that take nothing but `self` (a model's
  facts) a direct call instead of Strawberry's wrapper, which builds an `Info` and parses
  arguments for every call; resolvers that take `self` and `info` alone (a model's
  `organization`, loaded through a DataLoader) get a direct call with the same `info`, their
  coroutine handed to graphql-core as it is instead of wrapped in Strawberry's own. Only when
  the schema has no per-field hooks.
"""

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLString,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetails, FragmentDetails
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import CustomGraphQLEnumType
from strawberry.types import Info
from strawberry.types.field import StrawberryField

DEFINITION = "strawberry-definition"  # where Strawberry keeps a field's own definition
MAX_INT = 2**31 - 1
MIN_INT = -(2**31)

Complete = Callable[[Any], Any]


class _GiveUp(Exception):
    """The plain pass met something only graphql-core's completion answers properly."""


def _leaf(leaf: GraphQLLeafType) -> Complete:
    coerce = leaf.coerce_output_value

    def general(value: Any) -> Any:
        try:
            coerced = coerce(value)
        except Exception:
            raise _GiveUp from None
        if coerced is None or coerced is Undefined:
            raise _GiveUp
        return coerced

    # The built-in scalars return these values unchanged; anything else is coerced.
    if isinstance(leaf, CustomGraphQLEnumType):
        names: dict[Any, str] = {}
        for name, enum_value in leaf.values.items():
            names.setdefault(enum_value.value, name)  # the first name wins, as in coercion
        members: type[Any] = leaf.wrapped_cls  # an Enum class (typed as its metaclass)

        def enum(value: Any) -> Any:
            if isinstance(value, members):
                found = names.get(value.value)
                if found is not None:
                    return found
            return general(value)

        return enum
    if leaf is GraphQLString:
        return lambda value: value if type(value) is str else general(value)
    if leaf is GraphQLBoolean:
        return lambda value: value if type(value) is bool else general(value)
    if leaf is GraphQLInt:
        return lambda value: (
            value if type(value) is int and MIN_INT <= value <= MAX_INT else general(value)
        )
    return general


def _nullable(inner: Complete) -> Complete:
    return lambda value: None if value is None else inner(value)


def _non_null(inner: Complete) -> Complete:
    def complete(value: Any) -> Any:
        if value is None:
            raise _GiveUp
        return inner(value)

    return complete


def _list(item: Complete) -> Complete:
    def complete(value: Any) -> Any:
        if type(value) is not list and type(value) is not tuple:
            raise _GiveUp  # graphql-core accepts other iterables; it completes those
        return [item(entry) for entry in value]

    return complete


def _has_directives(nodes: Iterable[SelectionSetNode | None]) -> bool:
    """Whether any selection under these selection sets carries a directive."""
    pending = [node for node in nodes if node is not None]
    while pending:
        for selection in pending.pop().selections:
            if selection.directives:
                return True
            inner = getattr(selection, "selection_set", None)
            if inner is not None:
                pending.append(inner)
    return False


# Plans shared by every execution of the same parsed document (the parser cache hands the same
# nodes to each): keyed by the object type and the ids of the selected field nodes, holding
# the type and nodes themselves (so their ids are not reused while the entry lives). Only
# documents without directives share: @skip, @include and @defer make the selection depend on
# the variables. Bounded, both emptied together when either is full: an entry keeps its
# document alive, so the bound is on documents (a few hot ones matter; a stream of distinct
# documents must not pile up behind the parser cache's own bound).
MAX_SHARED_DOCUMENTS = 64
MAX_SHARED_PLANS = 1024
_SHARED_PLANS: dict[
    tuple[int, tuple[int, ...]], tuple[GraphQLObjectType, tuple[Node, ...], Complete | None]
] = {}
_SHAREABLE: dict[int, tuple[OperationDefinitionNode, bool]] = {}


def _forget_shared() -> None:
    _SHARED_PLANS.clear()
    _SHAREABLE.clear()


class PlainObjectExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor with the plain-object shortcut (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[int, int], Complete | None] = {}
        self._shared = self._shareable()

    def _shareable(self) -> bool:
        operation = self.operation
        known = _SHAREABLE.get(id(operation))
        if known is not None and known[0] is operation:
            return known[1]
        fragments: list[FragmentDetails] = list(self.fragments.values())
        shareable = (
            not operation.directives
            and not any(f.variable_signatures for f in fragments)
            and not _has_directives(
                [operation.selection_set, *(f.definition.selection_set for f in fragments)]
            )
        )
        if len(_SHAREABLE) >= MAX_SHARED_DOCUMENTS:
            _forget_shared()
        _SHAREABLE[id(operation)] = (operation, shareable)
        return shareable

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: list[FieldDetails],
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        plan = self._plan(return_type, field_details_list)
        if plan is not None:
            try:
                return plan(result)
            except _GiveUp:
                pass
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _plan(
        self, object_type: GraphQLObjectType, field_details_list: list[FieldDetails]
    ) -> Complete | None:
        # Keyed like graphql-core's own memo of collected subfields, which keeps the list
        # alive for the whole execution, so its id is not reused.
        key = (id(object_type), id(field_details_list))
        try:
            return self._plans[key]
        except KeyError:
            pass
        if self._shared:
            nodes = tuple(d.node for d in field_details_list)
            shared_key = (id(object_type), tuple(map(id, nodes)))
            shared = _SHARED_PLANS.get(shared_key)
            if (
                shared is not None
                and shared[0] is object_type
                and all(a is b for a, b in zip(shared[1], nodes, strict=True))
            ):
                plan = shared[2]
            else:
                plan = self._object_plan(object_type, field_details_list)
                if len(_SHARED_PLANS) >= MAX_SHARED_PLANS:
                    _forget_shared()
                _SHARED_PLANS[shared_key] = (object_type, nodes, plan)
            self._plans[key] = plan
            return plan
        plan = self._object_plan(object_type, field_details_list)
        self._plans[key] = plan
        return plan

    def _object_plan(
        self, object_type: GraphQLObjectType, field_details_list: list[FieldDetails]
    ) -> Complete | None:
        if self.middleware_manager is not None and self.middleware_manager.middlewares:
            return None
        if object_type.is_type_of is not None:
            return None
        grouped, defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        if defer_usages:
            return None
        steps: list[tuple[str, str | None, Complete | None]] = []
        for response_name, details in grouped.items():
            node = details[0].node
            if any(d.defer_usage is not None for d in details):
                return None
            if node.name.value == "__typename":
                steps.append((response_name, None, None))
                continue
            field_def = object_type.fields.get(node.name.value)
            attribute = _plain_attribute(field_def)
            if field_def is None or attribute is None or node.arguments:
                return None
            completion = self._value_plan(field_def.type, details)
            if completion is None:
                return None
            steps.append((response_name, attribute, completion))
        type_name = object_type.name

        def complete(source: Any) -> dict[str, Any]:
            answer: dict[str, Any] = {}
            for response_name, attribute, completion in steps:
                if attribute is None:
                    answer[response_name] = type_name
                    continue
                try:
                    value = getattr(source, attribute)
                except Exception:
                    raise _GiveUp from None
                # A step with an attribute always has its completion (None only for
                # __typename, handled above): mypy does not link the two tuple members.
                answer[response_name] = completion(value)  # type: ignore[misc]
            return answer

        return complete

    def _value_plan(
        self, field_type: GraphQLOutputType, details: list[FieldDetails]
    ) -> Complete | None:
        if isinstance(field_type, GraphQLNonNull):
            inner = self._value_plan(field_type.of_type, details)
            return _non_null(inner) if inner is not None else None
        inner = self._nullable_plan(field_type, details)
        return _nullable(inner) if inner is not None else None

    def _nullable_plan(
        self, field_type: GraphQLOutputType, details: list[FieldDetails]
    ) -> Complete | None:
        if isinstance(field_type, GraphQLList):
            item = self._value_plan(field_type.of_type, details)
            return _list(item) if item is not None else None
        if isinstance(field_type, GraphQLLeafType):
            return _leaf(field_type)
        if isinstance(field_type, GraphQLObjectType):
            return self._plan(field_type, details)
        return None  # interfaces and unions: graphql-core resolves the runtime type


def _plain_attribute(field_def: GraphQLField | None) -> str | None:
    """The attribute a field reads, when it has no resolver of its own (else None)."""
    if field_def is None or field_def.args:
        return None
    definition = (field_def.extensions or {}).get(DEFINITION)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    if not getattr(field_def.resolve, "_is_default", False):
        return None
    return definition.python_name


def _self_only(definition: StrawberryField) -> Callable[[Any], Any] | None:
    """The resolver function, when it is synchronous and takes `self` alone."""
    resolver = definition.base_resolver
    if resolver is None or definition.extensions or resolver.is_async:
        return None
    function = resolver.wrapped_func
    if not callable(function) or inspect.iscoroutinefunction(function):
        return None
    try:
        parameters = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return None
    if parameters != ["self"]:
        return None
    return function


def _self_and_info(definition: StrawberryField) -> Callable[..., Any] | None:
    """The resolver function, when it takes `self` and `info` alone (a loaded field)."""
    resolver = definition.base_resolver
    if resolver is None or definition.extensions:
        return None
    function = resolver.wrapped_func
    if not callable(function):
        return None
    try:
        parameters = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return None
    info = resolver.info_parameter
    if parameters != ["self", "info"] or info is None or info.name != "info":
        return None
    return function


def lighten_resolvers(schema: GraphQLSchema, info_class: type[Any] = Info) -> int:
    """Call resolvers that take `self` alone, or `self` and `info` alone (no arguments),
    directly; returns how many fields it changed.

    Strawberry's wrapper, per call, converts the arguments (there are none), chains the field
    extensions (there are none) and, for an async resolver, wraps its coroutine in another. The
    direct call builds the same `info` (`info_class`, Strawberry's) and returns the resolver's
    own result, awaitable or not, for graphql-core to complete as before.

    The caller must not have per-field hooks (SchemaExtension.resolve, field extensions,
    permission classes, exception handlers): the direct call skips them.
    """
    changed = 0
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        for field_def in named.fields.values():
            definition = (field_def.extensions or {}).get(DEFINITION)
            if not isinstance(definition, StrawberryField) or field_def.args:
                continue
            function = _self_only(definition)
            if function is not None:
                field_def.resolve = _direct(function)
                changed += 1
                continue
            with_info = _self_and_info(definition)
            if with_info is not None:
                field_def.resolve = _direct_with_info(with_info, definition, info_class)
                changed += 1
    return changed


def _direct_with_info(
    function: Callable[..., Any], definition: StrawberryField, info_class: type[Any]
) -> Callable[..., Any]:
    def resolve(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
        return function(source, info=info_class(_raw_info=info, _field=definition))

    return resolve


def _direct(function: Callable[[Any], Any]) -> Callable[..., Any]:
    def resolve(source: Any, _info: GraphQLResolveInfo[Any]) -> Any:
        return function(source)

    return resolve
