"""A source's statements as canonical text, and the value precedence chooses among them."""

from collections.abc import Callable, Collection
from typing import Any

from service.catalog.import_view import Claims
from service.importers.makers import dates_far_apart
from service.importers.provenance import rank
from service.importers.records import ModelRecord
from service.models.base import CitedField as F


def claims_of(
    records: list[ModelRecord], orgs: dict[str, str], licenses: dict[str, str]
) -> dict[str, str]:
    """field -> canonical text, for everything the records state (the first record wins)."""
    return {name: value for name, (value, _) in _stated(records, orgs, licenses).items()}


def cloud_fields(
    records: list[ModelRecord], orgs: dict[str, str], licenses: dict[str, str]
) -> set[str]:
    """The fields of `claims_of` whose value only a cloud of the maker's company states."""
    return {name for name, (_, cloud) in _stated(records, orgs, licenses).items() if cloud}


def _stated(
    records: list[ModelRecord], orgs: dict[str, str], licenses: dict[str, str]
) -> dict[str, tuple[str, bool]]:
    claims: dict[str, tuple[str, bool]] = {}
    for record in records:
        stated: dict[F, Any] = {
            F.NAME: None if record.shared else record.name,
            F.FAMILY: record.family,
            F.ORGANIZATION: orgs.get(record.organization or ""),
            F.OPEN_WEIGHTS: bool_text(record.open_weights),
            F.INPUT_MODALITIES: list_text(record.input_modalities),
            F.OUTPUT_MODALITIES: list_text(record.output_modalities),
            F.RELEASE_DATE: record.release_date,
            F.CONTEXT_WINDOW: int_text(record.context_window),
            F.PARAMETERS: int_text(record.parameters),
            F.LICENSE: licenses.get(record.license or ""),
            F.STATUS: record.status,
            F.PRICING: record.price.text() if record.price else None,
            F.ACCESS: record.access,
        }
        for name, value in stated.items():
            if value is not None:
                claims.setdefault(name.value, (value, name.value in record.cloud_only))
    return claims


def bool_text(value: bool | None) -> str | None:
    return None if value is None else ("true" if value else "false")


def list_text(values: list[str] | None) -> str | None:
    return None if values is None else ",".join(sorted(values))


def int_text(value: int | None) -> str | None:
    return None if value is None else str(value)


def chosen(
    claims: Claims,
    cloud: Collection[tuple[str, int]] = (),
    agree: Callable[[str, str, str], bool] | None = None,
) -> dict[str, tuple[str, int]]:
    """field -> (value, source id) of the highest-ranked source that states it.

    A value only a cloud of the maker's company states (`cloud`: (field, source id)) does not
    outrank another data set's: when one states it otherwise (`agree` says they differ beyond
    rounding), the field has no value, as when one data set's maker entries disagree. Nor does
    a release date another data set puts more than a month away: one of them is wrong, and
    which is not for the catalog to guess (models.dev's GPT-4 is dated at GPT-4 Turbo's launch,
    Epoch's o3-mini a year early).
    """
    best: dict[str, tuple[str, int]] = {}
    for (name, source_id), (value, _) in sorted(
        claims.items(), key=lambda item: (rank(item[1][1]), item[0][1])
    ):
        best.setdefault(name, (value, source_id))
    return {
        name: (value, source_id)
        for name, (value, source_id) in best.items()
        if not unsettled(claims, cloud, agree, name, value, source_id)
    }


def unsettled(
    claims: Claims,
    cloud: Collection[tuple[str, int]],
    agree: Callable[[str, str, str], bool] | None,
    name: str,
    value: str,
    source_id: int,
) -> bool:
    """Whether the value is contested: a cloud-only value another data set contradicts, or a
    release date another data set puts more than a month away (`dates_far_apart`)."""
    if agree is None:
        return False
    if name == F.RELEASE_DATE and any(
        field == name and other != source_id and dates_far_apart(stated, value)
        for (field, other), (stated, _) in claims.items()
    ):
        return True
    if (name, source_id) not in cloud:
        return False
    return any(
        field == name and other != source_id and not agree(name, stated, value)
        for (field, other), (stated, _) in claims.items()
    )
