"""Shaping the API's answers for the templates: headings between rows, words for enums, money."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from jinja2 import Environment

from service.web.api_client import (
    CatalogPage,
    CatalogPageOrganizationsNodes,
    CatalogPageProvidersNodes,
    CatalogPageTasksNodes,
    ComparePageCompare,
    ComparePageCompareSectionsRows,
    ModelPageModel,
    ModelPageModelCapabilities,
    ModelPageModelCitations,
    ModelPageModelCitationsSource,
    ModelPageModelLineageModel,
)

CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£"}
ENUM_WORDS = {
    "OUT_OF_THE_BOX": "Out of the box",
    "AFTER_FINE_TUNING": "After fine-tuning",
    "VIA_MIX_CHECKPOINT": "Via the Mix checkpoint",
    "OPEN_SOURCE": "Open source",
    "NOT_ALLOWED": "Not allowed",
    "CONDITIONAL": "Allowed with conditions",
}
STATE_WORDS = {
    "UNKNOWN": "unknown",
    "UNDISCLOSED": "undisclosed",
    "NOT_APPLICABLE": "not applicable",
}
LINEAGE_WORDS = {
    ("SUCCEEDS", "OUTGOING"): "Succeeds",
    ("SUCCEEDS", "INCOMING"): "Succeeded by",
    ("BUILT_FROM", "OUTGOING"): "Built from",
    ("BUILT_FROM", "INCOMING"): "A part of",
    ("INSPIRED_BY", "OUTGOING"): "Inspired by",
    ("INSPIRED_BY", "INCOMING"): "Inspired",
    ("VARIANT_OF", "OUTGOING"): "A variant of",
    ("VARIANT_OF", "INCOMING"): "Has the variant",
}


def money(amount: Decimal | str | None, currency: str | None = "USD") -> str:
    """'1.75' -> '$1.75', '14' -> '$14.00', '0.0375' -> '$0.0375'; None -> '—'."""
    if amount is None:
        return "—"
    try:
        value = Decimal(amount)
    except InvalidOperation:
        return str(amount)
    exponent = value.normalize().as_tuple().exponent
    digits = max(2, -exponent) if isinstance(exponent, int) else 2
    sign = CURRENCY_SIGNS.get(currency or "", "")
    text = f"{value:,.{digits}f}"
    return f"{sign}{text}" if sign else f"{text} {currency}"


def words(value: str | None) -> str:
    """An enum value as words: 'AFTER_FINE_TUNING' -> 'After fine-tuning'."""
    if not value:
        return "—"
    return ENUM_WORDS.get(value, value.replace("_", " ").capitalize())


def state_word(state: str) -> str:
    return STATE_WORDS.get(state, "")


def paragraphs(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split("\n") if p.strip()]


def join_words(items: list[str]) -> str:
    """['a'] -> 'a'; ['a', 'b', 'c'] -> 'a, b and c'."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def install(env: Environment) -> None:
    env.filters.update(
        money=money, words=words, state_word=state_word, paragraphs=paragraphs, and_list=join_words
    )
    env.filters["tokens"] = lambda n: f"{n:,}"


@dataclass
class TableLine:
    """A row of the comparison table, or a sub-heading (group) before the rows under it."""

    heading: str | None = None
    row: ComparePageCompareSectionsRows | None = None


@dataclass
class TableSection:
    key: str
    title: str
    lines: list[TableLine] = field(default_factory=list)


@dataclass
class ComparisonPage:
    names: dict[str, str]
    sections: list[TableSection]
    differing_rows: int


def comparison(result: ComparePageCompare) -> ComparisonPage:
    """The table with sub-headings where a row's group changes, and names for leader marks."""
    sections = []
    differing = 0
    for section in result.sections:
        shaped = TableSection(section.key, section.title)
        group = None
        for row in section.rows:
            repeats_title = (row.group or "").lower() == section.title.lower()
            if row.group and row.group != group and not repeats_title:
                shaped.lines.append(TableLine(heading=row.group))
            group = row.group
            differing += row.differs
            shaped.lines.append(TableLine(row=row))
        sections.append(shaped)
    names = {m.slug: m.name for m in result.models}
    return ComparisonPage(names=names, sections=sections, differing_rows=differing)


@dataclass
class LineageLine:
    words: str
    model: ModelPageModelLineageModel
    role: str | None


@dataclass
class SourceCitations:
    source: ModelPageModelCitationsSource
    citations: list[ModelPageModelCitations] = field(default_factory=list)


@dataclass
class ModelView:
    task_groups: dict[str, list[ModelPageModelCapabilities]]
    lineage: list[LineageLine]
    sources: list[SourceCitations]


def model_page(model: ModelPageModel) -> ModelView:
    """Tasks by group, lineage in words, citations by source."""
    task_groups: dict[str, list[ModelPageModelCapabilities]] = {}
    for capability in model.capabilities:
        task_groups.setdefault(capability.task.group, []).append(capability)
    lineage = [
        LineageLine(
            words=LINEAGE_WORDS.get((link.relation, link.direction), words(link.relation)),
            model=link.model,
            role=link.role,
        )
        for link in model.lineage
    ]
    by_source: dict[str, SourceCitations] = {}
    for citation in model.citations:
        entry = by_source.setdefault(citation.source.title, SourceCitations(citation.source))
        entry.citations.append(citation)
    return ModelView(task_groups=task_groups, lineage=lineage, sources=list(by_source.values()))


@dataclass
class FilterChoices:
    """The catalog form's choices, read from the root lists the CatalogPage document asks for."""

    organizations: list[CatalogPageOrganizationsNodes]
    providers: list[CatalogPageProvidersNodes]
    tasks: list[CatalogPageTasksNodes]


def filter_choices(page: CatalogPage) -> FilterChoices:
    return FilterChoices(
        organizations=page.organizations.nodes,
        providers=page.providers.nodes,
        tasks=page.tasks.nodes,
    )
