"""Which table changes reach the deliveries queue: the Pipes' filters (chalicelib/outbox), here and in the template."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalicelib.outbox import PIPE_FILTERS, PIPED_TABLES, carried

RESOURCES = Path(__file__).resolve().parents[2] / "infra" / "resources.json"


def record(event: str, new: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"eventName": event, "dynamodb": {"NewImage": new} if new is not None else {}}


def test_the_template_filters_each_pipe_as_the_local_pipes_do() -> None:
    resources = json.loads(RESOURCES.read_text())["Resources"]
    pipes = {r["Properties"]["Name"]["Fn::Sub"]: r for r in resources.values() if r["Type"] == "AWS::Pipes::Pipe"}

    for table in PIPED_TABLES:
        criteria = pipes[f"parley-${{Stage}}-{table}-changes"]["Properties"]["SourceParameters"]["FilterCriteria"]
        assert [json.loads(f["Pattern"]) for f in criteria["Filters"]] == PIPE_FILTERS[table]


def test_a_calls_changes_are_carried_once_it_is_settled_ended_unanswered_or_its_card_failed() -> None:
    assert carried("sessions", record("MODIFY", {"state": {"S": "ended"}, "settled": {"BOOL": True}}))
    for unanswered in ("declined", "cancelled", "expired"):
        assert carried("sessions", record("MODIFY", {"state": {"S": unanswered}, "settled": {"BOOL": False}}))
    failed = {"state": {"S": "requested"}, "payment_failed_at": {"S": "2026-12-04T10:00:00.000000+0000"}}
    assert carried("sessions", record("MODIFY", failed))


def test_a_calls_other_changes_are_not_carried() -> None:
    assert not carried("sessions", record("MODIFY", {"state": {"S": "ended"}, "settled": {"BOOL": False}}))
    assert not carried("sessions", record("INSERT", {"state": {"S": "requested"}, "settled": {"BOOL": False}}))
    assert not carried("sessions", record("MODIFY", {"state": {"S": "active"}}))
    assert not carried("sessions", record("MODIFY", {"state": {"S": "accepted"}, "payment_failed_at": {"NULL": True}}))


def test_every_appointment_change_is_carried_but_the_removal_of_one_never_made() -> None:
    assert carried("appointments", record("INSERT", {"status": {"S": "confirmed"}}))
    assert carried("appointments", record("MODIFY", {"status": {"S": "cancelled"}}))
    assert not carried("appointments", record("REMOVE"))


def test_a_threads_changes_are_carried_once_it_has_been_reminded_and_never_before() -> None:
    reminded = {"reminded_at": {"S": "2026-12-04T10:00:00.000000+0000"}, "waiting_on": {"S": "expert"}}

    assert carried("conversations", record("MODIFY", reminded))
    assert not carried("conversations", record("MODIFY", {"waiting_on": {"S": "expert"}}))
    assert not carried("conversations", record("INSERT", reminded))
