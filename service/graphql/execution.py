"""Cheaper execution of plain and loaded fields, with the same answers and errors as graphql-core's.

Most of an answer's fields are plain attributes of objects the domain already shaped (a
comparison's sections, rows and cells), facts a model computes from its own row, or objects
loaded through a DataLoader (a model's organization, its price). graphql-core executes each of
them as a field of its own: resolve info, a resolver call, an awaitable check, value
completion, and for a loaded field a coroutine, a task and a gather of its own: tens of
microseconds apiece, thousands of times for a page of models. Two shortcuts:

- `PlainObjectExecutor` completes an object in one tight pass over a plan built once per
  selection, when each selected field is plain (no resolver), or has a light resolver (see
  below) and no arguments given (the resolver's own defaults are the schema's). A resolver's
  coroutine is not awaited on its own: the pass starts it, and once the whole object (a page of
  twenty models, say) has been walked, the coroutines are run side by side in rounds, every
  load of a round registered before the first one waits, so DataLoaders batch as before. On
  anything unusual (a null where the schema says non-null, a value a scalar refuses, a list
  that is no list, a resolver that raises) it gives up and lets graphql-core complete the
  object again, which produces the proper error: the reads are pure and their loaders cache,
  so running a resolver twice has no side effect.
- `lighten_resolvers` gives synchronous resolvers that take nothing but `self` (a model's
  facts) a direct call instead of Strawberry's wrapper, which builds an `Info` and parses
  arguments for every call; resolvers that take `self` and `info` alone (a model's
  `organization`, loaded through a DataLoader) get a direct call with the same `info`, their
  coroutine handed to graphql-core as it is instead of wrapped in Strawberry's own. Only when
  the schema has no per-field hooks.
"""

import asyncio
import contextlib
import inspect
from collections import deque
from collections.abc import Callable, Iterable
from functools import partial
from types import CoroutineType
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
from strawberry.schema.schema_converter import CustomGraphQLEnumType, GraphQLCoreConverter
from strawberry.types import Info
from strawberry.types.field import StrawberryField

DEFINITION = "strawberry-definition"  # where Strawberry keeps a field's own definition
BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF  # and a type's
NO_INFO: Any = None  # what Strawberry's own is_type_of is given (it reads no info)
MAX_INT = 2**31 - 1
MIN_INT = -(2**31)


class _GiveUp(Exception):
    """The plan met something only graphql-core's completion answers properly."""


class Pending:
    """One plan run's started resolvers: each awaitable, how to complete its value, and the
    answer entry it fills. Infos for resolvers that take one are built once per run."""

    __slots__ = ("executor", "infos", "items")

    def __init__(self, executor: "PlainObjectExecutor") -> None:
        self.executor = executor
        self.items: list[tuple[Any, Complete, dict[str, Any], str]] = []
        self.infos: dict[int, Any] = {}

    def info(self, call: "_InfoCall") -> Any:
        """The `info` a light resolver takes: one per field of the plan, for this run."""
        key = id(call)
        found = self.infos.get(key)
        if found is None:
            light = call.light
            raw = self.executor.build_resolve_info(
                light.field_def,
                call.nodes,
                light.parent_type,
                Path(None, call.response_name, light.parent_type.name),
            )
            found = self.infos[key] = light.info_class(_raw_info=raw, _field=light.definition)
        return found

    def close(self) -> None:
        """Close what was started and not finished (never run: no warning either)."""
        for awaitable, *_ in self.items:
            if type(awaitable) is CoroutineType:
                awaitable.close()
        self.items.clear()


Complete = Callable[[Any, Pending], Any]


def _leaf(leaf: GraphQLLeafType) -> Complete:
    coerce = leaf.coerce_output_value

    def general(value: Any, _pending: Pending | None = None) -> Any:
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

        def enum(value: Any, _pending: Pending) -> Any:
            if isinstance(value, members):
                found = names.get(value.value)
                if found is not None:
                    return found
            return general(value)

        return enum
    if leaf is GraphQLString:
        return lambda value, _p: value if type(value) is str else general(value)
    if leaf is GraphQLBoolean:
        return lambda value, _p: value if type(value) is bool else general(value)
    if leaf is GraphQLInt:
        return lambda value, _p: (
            value if type(value) is int and MIN_INT <= value <= MAX_INT else general(value)
        )
    return general


def _nullable(inner: Complete) -> Complete:
    return lambda value, pending: None if value is None else inner(value, pending)


def _non_null(inner: Complete) -> Complete:
    def complete(value: Any, pending: Pending) -> Any:
        if value is None:
            raise _GiveUp
        return inner(value, pending)

    return complete


def _list(item: Complete) -> Complete:
    def complete(value: Any, pending: Pending) -> Any:
        if type(value) is not list and type(value) is not tuple:
            raise _GiveUp  # graphql-core accepts other iterables; it completes those
        return [item(entry, pending) for entry in value]

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


Entry = tuple[Any, Complete, dict[str, Any], str]  # an awaitable and where its value goes


async def _settle(pending: Pending) -> None:
    """Run the started resolvers side by side to their ends, filling their answer entries.

    A small scheduler in the caller's task: every coroutine is moved to its first wait before
    anything is waited for, so all the loads of a round are registered (and batched by their
    DataLoaders) together; each is then resumed as soon as what it waits for is done, in the
    order they finish (one may wait on another, say for the request's connection), and values
    that complete into objects with loaded fields of their own start the next round. When one
    fails, the others still run to their ends (none is left half-way through a read) and the
    plan gives up."""
    loop = asyncio.get_running_loop()
    ready: deque[Entry] = deque()
    wake: asyncio.Future[None] | None = None
    waiting: dict[int, Entry] = {}  # by id: what each started resolver waits for, until done
    failed = False

    def done(entry: Entry, _awaited: Any) -> None:
        ready.append(entry)
        if wake is not None and not wake.done():
            wake.set_result(None)

    def wait(entry: Entry, awaited: Any) -> None:
        nonlocal failed
        if awaited is None:  # a bare yield: one turn of the loop
            loop.call_soon(done, entry, None)
        elif asyncio.isfuture(awaited):
            # What a task does with the future its coroutine yields: it waits on it itself.
            awaited._asyncio_future_blocking = False
            awaited.add_done_callback(partial(done, entry))
        else:  # not asyncio's protocol
            entry[0].close()
            failed = True
            return
        waiting[id(entry)] = entry

    def complete(entry: Entry, value: Any) -> None:
        nonlocal failed
        if failed:
            return
        try:
            entry[2][entry[3]] = entry[1](value, pending)
        except _GiveUp:
            failed = True

    def advance(entry: Entry) -> None:
        nonlocal failed
        try:
            awaited = entry[0].send(None)
        except StopIteration as stop:
            complete(entry, stop.value)
        except Exception:
            failed = True
        else:
            wait(entry, awaited)

    try:
        while True:
            started, pending.items = pending.items, []
            for entry in started:
                if failed:
                    pending.items.append(entry)  # never started: closed below
                elif type(entry[0]) is CoroutineType:
                    advance(entry)
                elif asyncio.isfuture(entry[0]):
                    entry[0].add_done_callback(partial(done, entry))
                    waiting[id(entry)] = entry
                else:
                    pending.items.append(entry)
                    failed = True
            if not ready:
                if not waiting:
                    break
                wake = loop.create_future()
                await wake
                wake = None
            while ready:
                entry = ready.popleft()
                del waiting[id(entry)]
                if type(entry[0]) is CoroutineType:
                    advance(entry)
                elif entry[0].cancelled() or entry[0].exception() is not None:
                    failed = True
                else:
                    complete(entry, entry[0].result())
    finally:
        # Left early (the request's task cancelled): what is still waiting is closed as a
        # cancelled task's coroutine would be, so it lets go of what it holds (the request's
        # connection lock, say); what never started is closed too.
        for entry in waiting.values():
            if type(entry[0]) is CoroutineType:
                with contextlib.suppress(RuntimeError):  # one that ignores GeneratorExit
                    entry[0].close()
        pending.close()
    if failed:
        raise _GiveUp


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


_TYPENAME, _ATTRIBUTE, _CALL = 0, 1, 2


class PlainObjectExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor with the planned shortcut (see the module docstring)."""

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
            pending = Pending(self)
            try:
                answer = plan(result, pending)
            except _GiveUp:
                pending.close()
            else:
                if not pending.items:
                    return answer
                again = super().complete_object_value
                arguments = (return_type, field_details_list, info, path, result, position_context)
                return self._settled(answer, pending, lambda: again(*arguments))
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )

    @staticmethod
    async def _settled(
        answer: dict[str, Any], pending: Pending, again: Callable[[], Any]
    ) -> dict[str, Any]:
        try:
            await _settle(pending)
            return answer
        except _GiveUp:
            pass
        completed = again()
        return await completed if inspect.isawaitable(completed) else completed  # type: ignore[no-any-return]

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
        is_type_of = object_type.is_type_of
        if is_type_of is not None:
            # Strawberry's own check (for a type with interfaces) is an isinstance that takes
            # no info; a type's own is_type_of may read it: graphql-core runs that one.
            strawberry_type = (object_type.extensions or {}).get(BACKREF)
            if strawberry_type is None or strawberry_type.is_type_of is not None:
                return None
        grouped, defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        if defer_usages:
            return None
        steps: list[tuple[str, int, Any, Complete | None]] = []
        for response_name, details in grouped.items():
            node = details[0].node
            if any(d.defer_usage is not None for d in details):
                return None
            if node.name.value == "__typename":
                steps.append((response_name, _TYPENAME, None, None))
                continue
            field_def = object_type.fields.get(node.name.value)
            if field_def is None or node.arguments:
                return None
            attribute = _plain_attribute(field_def)
            call = None if attribute is not None else _light_call(field_def, details, response_name)
            if attribute is None and call is None:
                return None
            completion = self._value_plan(field_def.type, details)
            if completion is None:
                return None
            if attribute is not None:
                steps.append((response_name, _ATTRIBUTE, attribute, completion))
            else:
                steps.append((response_name, _CALL, call, completion))
        type_name = object_type.name

        def complete(source: Any, pending: Pending) -> dict[str, Any]:
            if is_type_of is not None and not is_type_of(source, NO_INFO):
                raise _GiveUp  # graphql-core says what the value is not
            answer: dict[str, Any] = {}
            for response_name, kind, reader, completion in steps:
                if kind == _TYPENAME:
                    answer[response_name] = type_name
                    continue
                try:
                    if kind == _ATTRIBUTE:
                        value = getattr(source, reader)
                    else:
                        value = reader(source, pending)
                except Exception:
                    raise _GiveUp from None
                if kind == _CALL and (type(value) is CoroutineType or asyncio.isfuture(value)):
                    answer[response_name] = None  # its place in the answer's order
                    pending.items.append((value, completion, answer, response_name))  # type: ignore[arg-type]
                    continue
                # A step with a reader always has its completion (None only for __typename,
                # handled above): mypy does not link the two tuple members.
                answer[response_name] = completion(value, pending)  # type: ignore[misc]
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


class _Light:
    """A resolver `lighten_resolvers` found safe to call directly: its function, whether it
    takes `info`, and what building that `info` needs."""

    __slots__ = ("definition", "field_def", "function", "info_class", "parent_type", "takes_info")

    def __init__(
        self,
        function: Callable[..., Any],
        takes_info: bool,
        field_def: GraphQLField,
        definition: StrawberryField,
        parent_type: GraphQLObjectType,
        info_class: type[Any],
    ) -> None:
        self.function = function
        self.takes_info = takes_info
        self.field_def = field_def
        self.definition = definition
        self.parent_type = parent_type
        self.info_class = info_class


LIGHT = "model-catalog-light"  # where lighten_resolvers keeps a field's `_Light`


class _InfoCall:
    """A light resolver taking `info`, as one plan selects it (its nodes, its name)."""

    __slots__ = ("light", "nodes", "response_name")

    def __init__(self, light: _Light, nodes: list[Any], response_name: str) -> None:
        self.light = light
        self.nodes = nodes
        self.response_name = response_name


def _light_call(
    field_def: GraphQLField, details: list[FieldDetails], response_name: str
) -> Callable[[Any, Pending], Any] | None:
    """How a plan calls this field's resolver directly, when lighten_resolvers found it light."""
    light = (field_def.extensions or {}).get(LIGHT)
    if not isinstance(light, _Light):
        return None
    function = light.function
    if not light.takes_info:
        return lambda source, _pending: function(source)
    call = _InfoCall(light, [d.node for d in details], response_name)
    return lambda source, pending: function(source, info=pending.info(call))


def _parameters(function: Callable[..., Any]) -> list[inspect.Parameter] | None:
    try:
        return list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return None


def _self_only(definition: StrawberryField) -> Callable[[Any], Any] | None:
    """The resolver function, when it is synchronous and takes `self` alone."""
    resolver = definition.base_resolver
    if resolver is None or definition.extensions or resolver.is_async:
        return None
    function = resolver.wrapped_func
    if not callable(function) or inspect.iscoroutinefunction(function):
        return None
    parameters = _parameters(function)
    if parameters is None or [p.name for p in parameters] != ["self"]:
        return None
    return function


def _self_and_info(
    definition: StrawberryField, field_def: GraphQLField
) -> Callable[..., Any] | None:
    """The resolver function, when it takes `self` and `info`, then only arguments whose
    Python default is the schema's default (a plain value): called without them, it answers
    as Strawberry's wrapper does for a selection that gives none."""
    resolver = definition.base_resolver
    if resolver is None or definition.extensions:
        return None
    function = resolver.wrapped_func
    if not callable(function):
        return None
    parameters = _parameters(function)
    info = resolver.info_parameter
    if parameters is None or info is None or info.name != "info":
        return None
    if [p.name for p in parameters[:2]] != ["self", "info"]:
        return None
    if len(definition.arguments) != len(parameters) - 2 or len(field_def.args) != len(
        definition.arguments
    ):
        return None
    by_name = {p.name: p for p in parameters[2:]}
    # The schema lists a field's arguments in the resolver's order.
    for argument, schema_argument in zip(
        definition.arguments, field_def.args.values(), strict=True
    ):
        parameter = by_name.get(argument.python_name)
        if parameter is None or parameter.kind is not parameter.POSITIONAL_OR_KEYWORD:
            return None
        default = schema_argument.default_value
        if type(default) not in (type(None), int, str, bool):
            return None
        if type(parameter.default) is not type(default) or parameter.default != default:
            return None
    return function


def lighten_resolvers(schema: GraphQLSchema, info_class: type[Any] = Info) -> int:
    """Call resolvers that take `self` alone, or `self` and `info` alone (no arguments),
    directly; returns how many fields it changed. Plans (above) also call directly those
    that take arguments with plain defaults, when a selection gives none.

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
            if not isinstance(definition, StrawberryField):
                continue
            function = _self_only(definition) if not field_def.args else None
            if function is not None:
                field_def.resolve = _direct(function)
                light = _Light(function, False, field_def, definition, named, info_class)
                field_def.extensions[LIGHT] = light
                changed += 1
                continue
            with_info = _self_and_info(definition, field_def)
            if with_info is None:
                continue
            light = _Light(with_info, True, field_def, definition, named, info_class)
            field_def.extensions[LIGHT] = light
            if not field_def.args:
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
