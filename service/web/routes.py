"""The HTML pages: compare, the catalog, one model, and the picker that leads to a comparison."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.web import charts, present
from service.web.api_client import CatalogClient, ModelFilter, PickerModelsNodes
from service.web.client import (
    ApiError,
    ApiUnavailable,
    UnknownName,
    in_process_client,
    page_catalog_version,
)
from service.web.forms import WORKLOAD_LABELS, read_catalog_query, read_workload

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
PAGE_SIZE = 20
SEPARATOR = "-vs-"
MAX_NAME_LENGTH = 200
RETRY_AFTER_SECONDS = 30
# Paths whose clients are programs: their 404 stays JSON whatever they accept.
API_PATHS = ("/graphql", "/healthz", "/readyz", "/health", "/metrics", "/docs", "/openapi.json")

templates = Jinja2Templates(directory=HERE / "templates")
present.install(templates.env)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=status)


def server_error_page(request: Request) -> HTMLResponse:
    """A plain page that needs nothing from the API, so it renders whatever failed."""
    return render(request, "error.html", 500, title="Something went wrong", picker=None)


def unavailable_page(request: Request) -> HTMLResponse:
    """The API cannot answer now (its database is down): a 503 the reader can retry."""
    page = render(
        request,
        "error.html",
        503,
        title="The catalog is unavailable",
        message="The catalog cannot be reached right now. Please try again in a minute.",
        picker=None,
    )
    page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return page


class WebRoute(APIRoute):
    """Turns an API error a reader can fix into a 404/400 page and anything else into a 500."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except (HTTPException, RequestValidationError):
                raise
            except ApiError as exc:
                return await api_error_page(request, exc)
            except ApiUnavailable:
                return unavailable_page(request)
            except Exception:
                log.exception("web page %s failed", request.url.path)
                return server_error_page(request)

        return guarded


async def catalog_api(request: Request) -> AsyncIterator[CatalogClient]:
    """The typed client generated from queries/*.graphql, talking to this app in-process."""
    version = page_catalog_version(request.headers, request.cookies)
    async with in_process_client(request.app, version) as http:
        yield CatalogClient(http)


Api = Annotated[CatalogClient, Depends(catalog_api)]


async def picker_models(api: CatalogClient) -> list[PickerModelsNodes]:
    return (await api.picker()).models.nodes


async def api_error_page(
    request: Request,
    exc: ApiError,
    links: list[tuple[str, list[tuple[str, str]]]] | None = None,
    picked: list[str] | None = None,
) -> HTMLResponse:
    """404 for an unknown name (with the API's suggestions as links), 400 for other input.

    The picker keeps what the reader typed, so a typo is fixed in place.
    """
    title = "Not found" if exc.not_found else "That request cannot be answered"
    return await not_found_page(
        request,
        title,
        exc.message,
        status=404 if exc.not_found else 400,
        suggestions=links or [],
        picked=picked,
    )


async def not_found_page(
    request: Request,
    title: str,
    message: str,
    *,
    status: int = 404,
    suggestions: list[tuple[str, list[tuple[str, str]]]] | None = None,
    picked: list[str] | None = None,
) -> HTMLResponse:
    """An error page a reader can act on, with the picker when the API can give it."""
    version = page_catalog_version(request.headers, request.cookies)
    try:
        async with in_process_client(request.app, version) as http:
            picker = await picker_models(CatalogClient(http))
    except ApiUnavailable:
        return unavailable_page(request)
    except Exception:
        log.exception("picker unavailable on an error page")
        picker = None
    typed = ([*(picked or []), "", ""])[:2]
    return render(
        request,
        "error.html",
        status,
        title=title,
        message=message,
        suggestions=suggestions or [],
        picker=picker,
        picked=[printable(name) for name in typed],
    )


def printable(name: str) -> str:
    """A name as it can be shown back: control characters dropped, length bounded."""
    return "".join(ch for ch in name if ch.isprintable())[:MAX_NAME_LENGTH]


def is_name(name: str) -> bool:
    """Could this be a model's slug, name or alias? (No control characters, bounded length.)"""
    return 0 < len(name) <= MAX_NAME_LENGTH and name.isprintable()


async def not_a_name_page(request: Request, names: list[str]) -> HTMLResponse:
    bad = next(n for n in names if not is_name(n))
    why = "is too long" if len(bad) > MAX_NAME_LENGTH else "holds characters no model name has"
    return await not_found_page(
        request,
        "Not found",
        f"{printable(bad)[:60]!r} {why}; model names are plain text of up to "
        f"{MAX_NAME_LENGTH} characters.",
        picked=names,
    )


def suggestion_links(
    unknown_names: list[UnknownName], names: list[str], url_for: Callable[[list[str]], str]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """For each unknown name: the suggested names, each as a link with that name swapped in."""
    links = []
    for unknown in unknown_names:
        swapped = []
        for suggestion in unknown.suggestions:
            chosen = [suggestion if n.lower() == unknown.name.lower() else n for n in names]
            swapped.append((suggestion, url_for(chosen)))
        links.append((unknown.name, swapped))
    return links


# The catalog form's fields that name something the API may not know, by the API's argument,
# and the filter condition each sets.
CATALOG_FILTER_FIELDS = {"filter.organizations": "organization", "filter.provider": "provider"}
CATALOG_FILTERS = {"organization": "organizations", "provider": "provider"}
# The listing shown when a filter named something unknown: nothing matches.
NO_LISTING = SimpleNamespace(total_count=0, nodes=[])


def compare_url(names: list[str], query: str = "") -> str:
    path = "/compare/" + SEPARATOR.join(quote(n, safe=".") for n in names)
    return f"{path}?{query}" if query else path


def model_url(slug: str) -> str:
    return "/models/" + quote(slug, safe=".")


def web_router() -> APIRouter:
    router = APIRouter(route_class=WebRoute, include_in_schema=False)

    @router.get("/")
    async def home() -> RedirectResponse:
        return RedirectResponse("/models", status_code=307)

    @router.get("/compare")
    async def pick(request: Request, api: Api) -> Response:
        """The picker's target: two names in, a redirect to /compare/a-vs-b out."""
        picked = [request.query_params.get(k, "").strip() for k in ("a", "b")]
        if all(picked):
            return RedirectResponse(compare_url(picked), status_code=303)
        missing = any(picked)
        return render(
            request,
            "pick.html",
            400 if missing else 200,
            title="Compare models",
            picker=await picker_models(api),
            picked=picked,
            error="Choose two models to compare." if missing else None,
        )

    @router.get("/compare/{pair}")
    async def compare(request: Request, pair: str, api: Api) -> Response:
        names = pair.split(SEPARATOR)
        if len(names) < 2 or not all(names):
            return render(
                request,
                "error.html",
                404,
                title="Not a comparison address",
                message=f"{pair!r} does not name models to compare; "
                "a comparison address looks like /compare/gpt-5.2-vs-paligemma.",
                picker=await picker_models(api),
            )
        if not all(is_name(n) for n in names):
            return await not_a_name_page(request, names)
        workload = read_workload(request.query_params)
        try:
            data, picker = await asyncio.gather(
                api.compare_page(models=names, workload=workload.as_input()),
                picker_models(api),
            )
        except ApiError as exc:
            links = suggestion_links(exc.unknown, names, compare_url)
            return await api_error_page(request, exc, links, picked=names[:2])
        result = data.compare
        canonical = [m.slug for m in result.models]
        if canonical != names:
            return RedirectResponse(compare_url(canonical, request.url.query), status_code=301)
        return render(
            request,
            "compare.html",
            400 if workload.errors else 200,
            title=" vs ".join(m.name for m in result.models),
            result=result,
            page=present.comparison(result),
            cost_chart=charts.cost_chart(
                result.costs,
                {m.slug: m.name for m in result.models},
                f"{workload.counts['input']:,} input, {workload.counts['output']:,} output and "
                f"{workload.counts['cached']:,} cached input tokens",
            ),
            workload=workload,
            workload_labels=WORKLOAD_LABELS,
            picker=picker,
            picked=canonical[:2],
        )

    @router.get("/models")
    async def catalog(request: Request, api: Api) -> Response:
        wanted = read_catalog_query(request.query_params)
        # The organization picker lists those matching what was typed (at most 200 characters).
        organization_search = wanted.typed["organization"][:200] or None
        if wanted.before:  # the page before a cursor
            asked = api.catalog_page(
                filter_=wanted.filter,
                first=PAGE_SIZE,
                after=wanted.after,
                last=PAGE_SIZE,
                before=wanted.before,
                organization_search=organization_search,
            )
        else:
            asked = api.catalog_page(
                filter_=wanted.filter,
                first=PAGE_SIZE,
                after=wanted.after,
                organization_search=organization_search,
            )
        kept = {k: v for k, v in wanted.typed.items() if v}
        hint: tuple[str, list[tuple[str, str]]] | None = None
        try:
            data, picker = await asyncio.gather(asked, picker_models(api))
            listing: Any = data.models
        except ApiError as exc:
            # An organization or provider the catalog does not know: the form again, with the
            # API's message and its suggestions as links to this listing with the suggestion
            # in place; the choices asked without that condition, no model listed.
            field = CATALOG_FILTER_FIELDS.get(exc.argument or "")
            if field is None:
                raise
            without = wanted.filter.model_dump(exclude_unset=True, exclude={CATALOG_FILTERS[field]})
            data, picker = await asyncio.gather(
                api.catalog_page(
                    filter_=ModelFilter.model_validate(without),
                    first=1,
                    organization_search=organization_search,
                ),
                picker_models(api),
            )
            listing = NO_LISTING

            def swapped(names: list[str], field: str = field) -> str:
                return "/models?" + urlencode({**kept, field: names[0]})

            links = suggestion_links(exc.unknown, [wanted.typed[field]], swapped)
            hint = (exc.message, links[0][1] if links else [])
        next_url = previous_url = None
        pages = None if hint else listing.page_info
        if pages and pages.has_next_page and pages.end_cursor:
            next_url = "/models?" + urlencode({**kept, "after": pages.end_cursor})
        if pages and pages.has_previous_page and pages.start_cursor:
            previous_url = "/models?" + urlencode({**kept, "before": pages.start_cursor})
        return render(
            request,
            "models.html",
            404 if hint else 400 if wanted.errors else 200,
            title="Model catalog",
            listing=listing,
            choices=present.filter_choices(data),
            research_url="/models?"
            + urlencode(
                {k: v for k, v in kept.items() if k != "research"}
                | ({} if wanted.typed.get("research") else {"research": "show"})
            ),
            typed=wanted.typed,
            errors=wanted.errors,
            hint=hint,
            first_url="/models?" + urlencode(kept) if previous_url else None,
            previous_url=previous_url,
            next_url=next_url,
            picker=picker,
        )

    @router.get("/models/{slug}")
    async def model(request: Request, slug: str, api: Api) -> Response:
        if not is_name(slug):
            return await not_a_name_page(request, [slug])
        try:
            data, picker = await asyncio.gather(api.model_page(slug=slug), picker_models(api))
        except ApiError as exc:
            links = suggestion_links(exc.unknown, [slug], lambda names: model_url(names[0]))
            return await api_error_page(request, exc, links, picked=[slug])
        found = data.model
        if found.slug != slug:
            return RedirectResponse(model_url(found.slug), status_code=301)
        return render(
            request,
            "model.html",
            title=found.name,
            model=found,
            page=present.model_page(found),
            price_chart=charts.price_history_chart(found.price_history, found.name, date.today()),
            picker=picker,
            picked=[found.slug, ""],
        )

    return router


def wants_json(request: Request) -> bool:
    """A program's request: an API path, or an Accept header asking JSON and not HTML."""
    if request.url.path.startswith(API_PATHS):
        return True
    accept = request.headers.get("accept", "").lower()
    return "application/json" in accept and "text/html" not in accept


async def page_not_found(request: Request, exc: Exception) -> Response:
    """Unknown paths: a page for people, the usual JSON for programs that ask for JSON."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code != 404 or wants_json(request):
        return await http_exception_handler(request, exc)
    return await not_found_page(
        request,
        "Page not found",
        f"Nothing lives at {printable(request.url.path)[:120]}. "
        "Browse the catalog or pick two models to compare.",
    )


def mount_web(app: FastAPI) -> None:
    """The pages, their stylesheet, and HTML 404 pages for unknown paths."""
    app.include_router(web_router())
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_exception_handler(StarletteHTTPException, page_not_found)
