"""The moto server the tests and the local stack use keeps DynamoDB's isolation under concurrency."""

from __future__ import annotations

import threading
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.dynamodb.models import DynamoDBBackend

from chalicelib.models.payment import Payment
from infra.local.provision import LocalAws

PROBE = "probe-that-does-not-exist"


def _dynamodb(aws: LocalAws) -> Any:
    return boto3.client("dynamodb", endpoint_url=aws.endpoint_url, region_name=aws.region)


def test_a_write_made_while_a_failing_transaction_runs_is_not_undone_by_its_rollback(
    aws: LocalAws, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = Payment.Meta.table_name
    dynamodb = _dynamodb(aws)
    transaction_inside, other_write_done = threading.Event(), threading.Event()
    read_item = DynamoDBBackend.get_item

    def get_item_that_lets_the_other_write_in(self: DynamoDBBackend, table_name: str, keys: Any, *a: Any) -> Any:
        if keys.get("payment_id") == {"S": PROBE}:  # only the failing transaction reads this key
            transaction_inside.set()
            other_write_done.wait(timeout=2)  # without isolation the other write lands now
        return read_item(self, table_name, keys, *a)

    monkeypatch.setattr(DynamoDBBackend, "get_item", get_item_that_lets_the_other_write_in)
    outcome: dict[str, str] = {}

    def failing_transaction() -> None:
        try:
            dynamodb.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": str(table), "Item": {"payment_id": {"S": "written-by-the-transaction"}}}},
                    {"ConditionCheck": {"TableName": str(table), "Key": {"payment_id": {"S": PROBE}},
                                        "ConditionExpression": "attribute_exists(payment_id)"}},
                ]
            )  # fmt: skip
        except ClientError as error:
            outcome["transaction"] = error.response["Error"]["Code"]

    def other_write() -> None:
        dynamodb.put_item(TableName=str(table), Item={"payment_id": {"S": "written-meanwhile"}})
        other_write_done.set()

    transaction = threading.Thread(target=failing_transaction)
    transaction.start()
    assert transaction_inside.wait(timeout=30)
    writer = threading.Thread(target=other_write)
    writer.start()
    transaction.join(timeout=30)
    writer.join(timeout=30)

    assert outcome == {"transaction": "TransactionCanceledException"}
    kept = dynamodb.get_item(TableName=str(table), Key={"payment_id": {"S": "written-meanwhile"}}, ConsistentRead=True)
    assert "Item" in kept
    gone = dynamodb.get_item(TableName=str(table), Key={"payment_id": {"S": "written-by-the-transaction"}})
    assert "Item" not in gone
