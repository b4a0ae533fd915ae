"""Queue consumers that answer which messages of their batch failed (Lambda's ``ReportBatchItemFailures``).

Lambda then deletes the others, so one change that cannot be delivered yet does not make SQS give its
batch mates again. The template turns the response type on for the functions named here
(``infra/build_template.py``), and the local poller honours the answer the same way (``infra/local/jobs.py``).
"""

from __future__ import annotations

from collections.abc import Iterable

REPORTS_FAILED_ITEMS = frozenset({"deliver_side_effects"})

BatchAnswer = dict[str, list[dict[str, str]]]


def failed_items(message_ids: Iterable[str]) -> BatchAnswer:
    """The answer that hands back the messages ``message_ids`` (none: the whole batch is done)."""
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in message_ids]}


def failed_ids(answer: object) -> set[str] | None:
    """The message ids an answer hands back; None if it is no such answer (Lambda then retries the batch)."""
    if not isinstance(answer, dict) or not isinstance(answer.get("batchItemFailures"), list):
        return None
    ids: set[str] = set()
    for failure in answer["batchItemFailures"]:
        if not isinstance(failure, dict) or not isinstance(failure.get("itemIdentifier"), str):
            return None
        ids.add(failure["itemIdentifier"])
    return ids
