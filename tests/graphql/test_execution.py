"""The planned shortcut answers exactly as graphql-core does, errors included."""

import asyncio
import contextlib
from collections.abc import Sequence
from enum import Enum
from typing import Any

import pytest
import strawberry
from strawberry.dataloader import DataLoader
from strawberry.extensions import ParserCache
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from service.graphql import execution
from service.graphql.execution import PlainObjectExecutor, lighten_resolvers
from tests.conftest import run_apart


@strawberry.enum
class Mood(Enum):
    HAPPY = "happy"
    GRUMPY = "grumpy"


@strawberry.type
class Leaf:
    label: str
    count: int
    mood: Mood
    note: str | None = None


@strawberry.type
class Twin:
    label: str


async def load_twins(numbers: Sequence[int]) -> list[Twin | Exception | None]:
    """Twin n is labelled "t<n>"; 13 fails to load, 7 has no label, 0 has no twin."""
    BATCHES.append(list(numbers))
    twins: dict[int, Twin | Exception | None] = {0: None, 13: ValueError("no twin 13")}
    twins[7] = Twin(label=None)  # type: ignore[arg-type]  # a null where the schema says non-null
    return [twins.get(n, Twin(label=f"t{n}")) for n in numbers]


BATCHES: list[list[int]] = []


@strawberry.type
class Branch:
    name: str
    leaves: list[Leaf]
    best: Leaf | None = None
    number: int = 1

    @strawberry.field
    async def twin(self, info: strawberry.Info) -> Twin | None:
        twin: Twin | None = await info.context["twins"].load(self.number)
        return twin

    @strawberry.field
    async def turn(self, info: strawberry.Info) -> str:
        # One at a time, holding the lock across a wait, as reads share the request's
        # connection: the next branch's resolver waits for the previous one to let go.
        async with info.context["lock"]:
            await asyncio.sleep(0.001)
            return self.name

    @strawberry.field
    async def greeting(self, info: strawberry.Info, punctuation: str = "!") -> str:
        twin = await self.twin(info)
        return f"{self.name}{punctuation}" + (f" and {twin.label}" if twin else "")

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()

    @strawberry.field
    def first_label(self) -> str:
        return self.leaves[0].label  # IndexError on an empty branch: a field error


def _leaf(label: Any, count: Any = 1, mood: Any = Mood.HAPPY) -> Leaf:
    return Leaf(label=label, count=count, mood=mood)


TREES = {
    "fine": [Branch(name="a", leaves=[_leaf("x"), _leaf("y", 2, Mood.GRUMPY)], best=_leaf("z"))],
    "null in a non-null leaf": [Branch(name="a", leaves=[_leaf("x"), _leaf(None)])],
    "a value Int refuses": [Branch(name="a", leaves=[_leaf("x", 2**40)])],
    "not an enum member": [Branch(name="a", leaves=[_leaf("x", 1, "sad")])],
    "a failing resolver": [Branch(name="a", leaves=[])],
    "loaded": [Branch(name=n, leaves=[_leaf(n)], number=i) for i, n in enumerate("abcd")],
    "a failing load": [
        Branch(name=n, leaves=[], number=i) for i, n in zip((1, 13, 2), "abc", strict=True)
    ],
    "a loaded null in a non-null leaf": [Branch(name="a", leaves=[], number=7)],
}


@strawberry.type
class Query:
    tree: strawberry.Private[str]

    @strawberry.field
    def branches(self) -> list[Branch]:
        return TREES[self.tree]


def _schema(executor: type[Any]) -> strawberry.Schema:
    schema = strawberry.Schema(query=Query, execution_context_class=executor)
    lighten_resolvers(schema._schema)
    return schema


FAST = _schema(PlainObjectExecutor)
REFERENCE = strawberry.Schema(
    query=Query, execution_context_class=StrawberryGraphQLCoreExecutionContext
)

DOCUMENT = """
query { branches { __typename name shout ...Leaves best { label mood } } }
fragment Leaves on Branch { leaves { l: label count mood note __typename } }
"""
WITH_RESOLVER = "{ branches { name firstLabel leaves { label } } }"


LOADED = "{ branches { name twin { label } greeting leaves { label } } }"
TAKING_TURNS = "{ branches { turn name twin { label } } }"
WITH_ARGUMENT = '{ branches { name greeting(punctuation: "?") twin { label } } }'
SYNC_TREES = [t for t in TREES if "load" not in t]


def _answer(schema: strawberry.Schema, document: str, tree: str) -> dict[str, Any]:
    result = schema.execute_sync(document, root_value=Query(tree=tree))
    return {
        "data": result.data,
        "errors": [(e.message, e.path) for e in result.errors or []],
    }


def _answer_async(schema: strawberry.Schema, document: str, tree: str) -> dict[str, Any]:
    async def run() -> Any:
        context = {"twins": DataLoader(load_fn=load_twins), "lock": asyncio.Lock()}
        execution = schema.execute(document, root_value=Query(tree=tree), context_value=context)
        return await asyncio.wait_for(execution, timeout=10)

    result = run_apart(run())
    return {
        "data": result.data,
        "errors": sorted((e.message, str(e.path)) for e in result.errors or []),
    }


@pytest.mark.parametrize("tree", SYNC_TREES)
@pytest.mark.parametrize("document", [DOCUMENT, WITH_RESOLVER])
def test_same_answer_and_errors_as_graphql_core(tree: str, document: str) -> None:
    assert _answer(FAST, document, tree) == _answer(REFERENCE, document, tree)


@pytest.mark.parametrize("tree", list(TREES))
@pytest.mark.parametrize("document", [DOCUMENT, LOADED, WITH_ARGUMENT, TAKING_TURNS])
def test_loaded_fields_answer_as_graphql_core(tree: str, document: str) -> None:
    fast = _answer_async(FAST, document, tree)
    assert fast == _answer_async(REFERENCE, document, tree)
    if tree == "loaded" and document == LOADED:
        assert fast["data"]["branches"][1] == {
            "name": "b",
            "twin": {"label": "t1"},
            "greeting": "b! and t1",
            "leaves": [{"label": "b"}],
        }
        assert fast["data"]["branches"][0]["twin"] is None
        assert fast["errors"] == []
    if tree == "a failing load" and document == LOADED:
        assert [e[0] for e in fast["errors"]] == ["no twin 13", "no twin 13"]


def test_loaded_fields_run_side_by_side_in_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    executed: list[str] = []
    original = PlainObjectExecutor.execute_field

    def counting(self: Any, parent_type: Any, *args: Any) -> Any:
        executed.append(parent_type.name)
        return original(self, parent_type, *args)

    monkeypatch.setattr(PlainObjectExecutor, "execute_field", counting)
    BATCHES.clear()
    answer = _answer_async(FAST, LOADED, "loaded")
    assert answer["errors"] == []
    # The four branches' twins (read by `twin` and again by `greeting`) in one load, and no
    # field of a branch executed on its own: the plan called their resolvers.
    assert BATCHES == [[0, 1, 2, 3]]
    assert executed == ["Query"]


def test_a_cancelled_execution_lets_go_of_what_its_resolvers_hold() -> None:
    # The request's task cancelled while a branch's `turn` holds the lock across a wait: the
    # resolvers still waiting are closed, as a cancelled task's would be, and release it.
    async def run() -> bool:
        lock = asyncio.Lock()
        context = {"twins": DataLoader(load_fn=load_twins), "lock": lock}
        execution = asyncio.ensure_future(
            FAST.execute(TAKING_TURNS, root_value=Query(tree="loaded"), context_value=context)
        )
        while not lock.locked():
            await asyncio.sleep(0)
        execution.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await execution
        return lock.locked()

    assert run_apart(run()) is False


def test_resolvers_waiting_on_each_other_finish() -> None:
    # Each branch's `turn` waits for the lock the one before holds: the plan resumes each
    # resolver when what it waits for is done, not in a fixed order (which would wait forever).
    answer = _answer_async(FAST, TAKING_TURNS, "loaded")
    assert answer["errors"] == []
    assert [b["turn"] for b in answer["data"]["branches"]] == ["a", "b", "c", "d"]


def test_plain_objects_skip_per_field_execution(monkeypatch: pytest.MonkeyPatch) -> None:
    executed: list[str] = []
    original = PlainObjectExecutor.execute_field

    def counting(self: Any, parent_type: Any, *args: Any) -> Any:
        executed.append(parent_type.name)
        return original(self, parent_type, *args)

    monkeypatch.setattr(PlainObjectExecutor, "execute_field", counting)
    answer = _answer(FAST, DOCUMENT, "fine")
    # Branch's resolvers (shout) take `self` alone: the plan calls them, so neither the
    # branches' nor their leaves' fields are executed one by one.
    assert executed == ["Query"]
    assert answer["errors"] == []
    assert answer["data"]["branches"][0]["leaves"][1] == {
        "l": "y",
        "count": 2,
        "mood": "GRUMPY",
        "note": None,
        "__typename": "Leaf",
    }


CACHED = strawberry.Schema(
    query=Query,
    execution_context_class=PlainObjectExecutor,
    extensions=[lambda: ParserCache(maxsize=16)],  # the same nodes for the same document
)
WITH_INCLUDE = """
query($withNote: Boolean!) { branches { leaves { label note @include(if: $withNote) } } }
"""


def _answer_with(schema: strawberry.Schema, document: str, variables: dict[str, Any]) -> Any:
    result = schema.execute_sync(document, variable_values=variables, root_value=Query(tree="fine"))
    return result.data, [e.message for e in result.errors or []]


def test_a_repeated_document_reuses_its_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    planned: list[str] = []
    original = PlainObjectExecutor._object_plan

    def counting(self: Any, object_type: Any, *args: Any) -> Any:
        planned.append(object_type.name)
        return original(self, object_type, *args)

    monkeypatch.setattr(PlainObjectExecutor, "_object_plan", counting)
    first = _answer_with(CACHED, DOCUMENT, {})
    assert "Leaf" in planned
    planned.clear()
    assert _answer_with(CACHED, DOCUMENT, {}) == first
    assert planned == []  # the second execution found every plan made by the first


def test_a_document_with_skip_or_include_is_planned_per_execution() -> None:
    # The selection depends on the variables: a plan made for one must not serve the other.
    for with_note in (True, False, True, False):
        answer = _answer_with(CACHED, WITH_INCLUDE, {"withNote": with_note})
        assert answer == _answer_with(REFERENCE, WITH_INCLUDE, {"withNote": with_note})
        leaf = answer[0]["branches"][0]["leaves"][0]
        assert ("note" in leaf) is with_note


def test_shared_plans_are_bounded_by_documents() -> None:
    # Each entry keeps its document alive: a stream of distinct documents must not pile up.
    for n in range(execution.MAX_SHARED_DOCUMENTS * 2 + 3):
        _answer_with(CACHED, f"{{ branches {{ name leaves {{ label }} n{n}: name }} }}", {})
    assert len(execution._SHAREABLE) <= execution.MAX_SHARED_DOCUMENTS
    assert len(execution._SHARED_PLANS) <= execution.MAX_SHARED_PLANS
