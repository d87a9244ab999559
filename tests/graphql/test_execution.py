"""The plain-object shortcut answers exactly as graphql-core does, errors included."""

from enum import Enum
from typing import Any

import pytest
import strawberry
from strawberry.extensions import ParserCache
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from service.graphql import execution
from service.graphql.execution import PlainObjectExecutor, lighten_resolvers


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
class Branch:
    name: str
    leaves: list[Leaf]
    best: Leaf | None = None

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


def _answer(schema: strawberry.Schema, document: str, tree: str) -> dict[str, Any]:
    result = schema.execute_sync(document, root_value=Query(tree=tree))
    return {
        "data": result.data,
        "errors": [(e.message, e.path) for e in result.errors or []],
    }


@pytest.mark.parametrize("tree", list(TREES))
@pytest.mark.parametrize("document", [DOCUMENT, WITH_RESOLVER])
def test_same_answer_and_errors_as_graphql_core(tree: str, document: str) -> None:
    assert _answer(FAST, document, tree) == _answer(REFERENCE, document, tree)


def test_plain_objects_skip_per_field_execution(monkeypatch: pytest.MonkeyPatch) -> None:
    executed: list[str] = []
    original = PlainObjectExecutor.execute_field

    def counting(self: Any, parent_type: Any, *args: Any) -> Any:
        executed.append(parent_type.name)
        return original(self, parent_type, *args)

    monkeypatch.setattr(PlainObjectExecutor, "execute_field", counting)
    answer = _answer(FAST, DOCUMENT, "fine")
    # Branch has resolvers (shout), so graphql-core executes its fields; its leaves are plain
    # objects, completed without executing their fields one by one.
    assert "Leaf" not in executed
    assert "Branch" in executed
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
