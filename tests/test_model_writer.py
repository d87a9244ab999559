"""The one write path (service.catalog.model_writer): its policy and its child sets."""

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.catalog.lookup import find_model, names_to_ids
from service.catalog.model_writer import PRICES, ModelWriter, Policy
from service.models import AuditEntry, Price

POLICY = Policy(actor="test", operation="model writer test")


def _price(start: date | None, end: date | None, amount: str) -> dict[str, object]:
    return {
        "variant_id": None,
        "effective_from": start,
        "effective_to": end,
        "currency": "USD",
        "input_per_mtok": Decimal(amount),
        "output_per_mtok": Decimal(amount),
        "cached_input_per_mtok": None,
        "source_id": None,
    }


def _prices(session: Session, model_id: int) -> list[tuple[date | None, date | None]]:
    rows = session.execute(
        select(Price.effective_from, Price.effective_to)
        .where(Price.model_id == model_id)
        .order_by(Price.effective_from.asc().nullsfirst())
    )
    return [(start, end) for start, end in rows]


def test_a_price_history_can_shrink_to_one_price_over_the_removed_ones_time(
    session: Session,
) -> None:
    # The kept price takes over the time of the one that goes: the delete has to reach the
    # database before the update, or the prices' no-overlap rule refuses the update.
    model = find_model(session, "paligemma")
    writer = ModelWriter(session, POLICY)
    label = "paligemma"
    two = [_price(None, date(2025, 1, 1), "1"), _price(date(2025, 1, 1), None, "2")]
    writer.children(PRICES, {model.id: two}, lambda mid, item: label)
    assert _prices(session, model.id) == [(None, date(2025, 1, 1)), (date(2025, 1, 1), None)]

    before = len(writer.log)
    writer.children(PRICES, {model.id: [_price(None, None, "1")]}, lambda mid, item: label)

    assert _prices(session, model.id) == [(None, None)]
    assert sorted(c.action for c in writer.log.changes[before:]) == ["delete", "update"]


def test_curated_models_are_kept_under_an_import_policy_and_written_otherwise(
    session: Session,
) -> None:
    model = find_model(session, "paligemma")
    name = model.name
    existing = {model.slug: model}
    wanted = [{"slug": model.slug, "name": "Renamed by an import"}]

    kept = ModelWriter(session, Policy(actor="test", operation="import", keep_curated=True))
    assert kept.models(wanted, existing) == {}
    assert model.name == name and not kept.log

    written = ModelWriter(session, POLICY)
    assert written.models(wanted, existing) == {model.slug: model}
    assert model.name == "Renamed by an import"
    assert [str(c) for c in written.log.changes] == [
        f"update model paligemma: name: {name!r} -> 'Renamed by an import'"
    ]


def test_a_dry_run_records_no_audit_entries(session: Session) -> None:
    def audited() -> int:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0

    model = find_model(session, "paligemma")
    start = audited()
    for dry_run, added in ((True, 0), (False, 1)):
        policy = Policy(actor="test", operation="rename", dry_run=dry_run)
        writer = ModelWriter(session, policy)
        writer.update(model, {"name": f"PaliGemma {dry_run}"}, "model", model.slug)
        writer.finish()
        assert audited() == start + added
        start = audited()


def test_a_model_is_found_by_any_spelling_of_its_slug_or_alias(session: Session) -> None:
    # seed/models/paligemma.yaml: slug paligemma, alias paligemma-3b
    model = find_model(session, "paligemma")
    found = names_to_ids(session, ["PaliGemma", "PALIGEMMA-3B", "no-such-model"])
    assert found == {"paligemma": model.id, "paligemma-3b": model.id}
    assert find_model(session, "PaliGemma-3B").id == model.id
