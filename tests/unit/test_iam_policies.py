"""``.chalice/policy-<stage>.json`` lets a stage's functions reach that stage's resources and no other's.

IAM matches ``*`` in a resource ARN across any characters, ``/`` and ``:`` included,
which is what ``fnmatchcase`` does with these patterns.
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
from pynamodb.models import Model

from chalicelib.models.registry import ALL_MODELS

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHALICE_DIR = PROJECT_DIR / ".chalice"
RESOURCES = PROJECT_DIR / "infra" / "resources.json"
STAGES = ("dev", "prod")
ACCOUNT = "123456789012"
REGION = "eu-west-1"

# Statements that cannot name a stage's resources, and why.
ACCOUNT_WIDE = {
    "SendTraces": "X-Ray has no resource-level permissions",
    "SendEmail": "SES identities are shared by the account's stages",
    "PushToWebSocketConnections": "the WebSocket API's id is only known once the stack exists",
}


def policy(stage: str) -> dict[str, Any]:
    return dict(json.loads((CHALICE_DIR / f"policy-{stage}.json").read_text()))


def stage_environment(stage: str) -> dict[str, str]:
    config = json.loads((CHALICE_DIR / "config.json").read_text())
    return {**config.get("environment_variables", {}), **config["stages"][stage].get("environment_variables", {})}


def allows(stage: str, action: str, arn: str) -> bool:
    for statement in policy(stage)["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if statement["Effect"] == "Allow" and action in actions and any(fnmatchcase(arn, r) for r in resources):
            return True
    return False


def model_table_name(model: type[Model], stage: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PARLEY_TABLE_PREFIX", stage_environment(stage)["PARLEY_TABLE_PREFIX"])
    return str(model.Meta.table_name)


each_stage = pytest.mark.parametrize("stage", STAGES)


def test_the_prod_policy_is_the_dev_policy_with_the_stage_swapped() -> None:
    dev = json.dumps(policy("dev")).replace("parley-dev", "parley-prod").replace("/parley/dev/", "/parley/prod/")

    assert json.loads(dev) == policy("prod")


@each_stage
def test_every_statement_names_only_resources_of_its_own_stage(stage: str) -> None:
    others = [other for other in STAGES if other != stage]
    for statement in policy(stage)["Statement"]:
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for resource in resources:
            assert not any(f"parley-{o}" in resource or f"/parley/{o}/" in resource for o in others)
            if statement["Sid"] not in ACCOUNT_WIDE:
                assert f"parley-{stage}" in resource or f"/parley/{stage}/" in resource, resource


@each_stage
def test_no_statement_grants_every_action_of_a_service_or_a_scan(stage: str) -> None:
    for statement in policy(stage)["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert not [a for a in actions if "*" in a or a == "dynamodb:Scan"]


@each_stage
@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda model: model.__name__)
def test_functions_can_read_and_write_every_table_and_index_of_their_stage(
    stage: str, model: type[Model], monkeypatch: pytest.MonkeyPatch
) -> None:
    table_arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{model_table_name(model, stage, monkeypatch)}"
    indexes = [i["index_name"] for i in model._get_schema()["global_secondary_indexes"]]

    for action in ("DescribeTable", "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "ConditionCheckItem"):
        assert allows(stage, f"dynamodb:{action}", table_arn)
    for index in indexes:
        assert allows(stage, "dynamodb:Query", f"{table_arn}/index/{index}")


@each_stage
def test_functions_can_put_and_get_objects_in_their_stages_media_bucket_only(stage: str) -> None:
    bucket_name = json.loads(RESOURCES.read_text())["Resources"]["MediaBucket"]["Properties"]["BucketName"]["Fn::Sub"]
    bucket = bucket_name.replace("${Stage}", stage).replace("${AWS::AccountId}", ACCOUNT)
    other = bucket_name.replace("${Stage}", "other").replace("${AWS::AccountId}", ACCOUNT)

    assert allows(stage, "s3:PutObject", f"arn:aws:s3:::{bucket}/public/photos/a.jpg")
    assert allows(stage, "s3:GetObject", f"arn:aws:s3:::{bucket}/private/documents/a.pdf")
    assert not allows(stage, "s3:PutObject", f"arn:aws:s3:::{other}/public/photos/a.jpg")


@each_stage
def test_functions_can_read_the_stripe_parameters_their_config_names(stage: str) -> None:
    environment = stage_environment(stage)
    parameters = [value for name, value in environment.items() if name.endswith("_PARAMETER")]

    assert parameters
    for parameter in parameters:
        assert allows(stage, "ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{parameter}")


@each_stage
def test_no_stage_keeps_a_secret_in_its_config(stage: str) -> None:
    for name, value in stage_environment(stage).items():
        assert not re.match(r"(sk|rk|pk)_(live|test)_|whsec_", value), name
        if "SECRET" in name or name.endswith("_KEY"):
            assert name.endswith("_PARAMETER"), name
            assert value.startswith(f"/parley/{stage}/"), name


@each_stage
def test_functions_write_logs_whether_deployed_by_chalice_or_as_the_stage_stack(stage: str) -> None:
    for log_group in (f"parley-{stage}", f"parley-{stage}-send_emails", f"parley-{stage}-APIHandler-1A2B3C4D"):
        stream = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{log_group}:log-stream:2025/01/01/[$LATEST]ab"
        assert allows(stage, "logs:PutLogEvents", stream)


@each_stage
def test_functions_can_send_receive_and_delete_on_their_stages_queues_only(stage: str) -> None:
    template = json.loads(RESOURCES.read_text())
    names = [
        resource["Properties"]["QueueName"]["Fn::Sub"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::SQS::Queue"
    ]
    other = next(o for o in STAGES if o != stage)

    assert names
    for name in names:
        queue_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name.replace('${Stage}', stage)}"
        other_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name.replace('${Stage}', other)}"
        # Lambda's SQS poller needs ReceiveMessage, DeleteMessage and GetQueueAttributes on the role.
        for action in ("SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes"):
            assert allows(stage, f"sqs:{action}", queue_arn), (action, queue_arn)
            assert not allows(stage, f"sqs:{action}", other_arn), (action, other_arn)
