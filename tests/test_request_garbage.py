"""A request's objects are freed as it ends, and the app collects garbage rarely while it serves."""

import gc
import weakref
from typing import Any

from service.app import tuned_gc
from service.config import Settings
from service.graphql.context import Context
from tests.conftest import run_apart


def test_closing_a_context_frees_its_loaders_without_the_garbage_collector() -> None:
    sessions: Any = None  # never called: the context runs no read here
    context = Context(sessions=sessions, settings=Settings(_env_file=None), engine=sessions)
    loaders = weakref.ref(context.loaders)
    organization_loader = weakref.ref(context.loaders.organization)
    gc.disable()
    try:
        run_apart(context.close())
        # Freed by reference counting alone: nothing of the request waits for a collection.
        assert loaders() is None
        assert organization_loader() is None
    finally:
        gc.enable()


def test_tuned_gc_raises_the_young_threshold_while_serving_and_restores_it() -> None:
    before = gc.get_threshold()
    with tuned_gc(20_000):
        assert gc.get_threshold() == (20_000, *before[1:])
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    with tuned_gc(0):
        assert gc.get_threshold() == before
