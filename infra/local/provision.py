"""Create Parley's AWS resources on a moto server: the local stack and the tests share this.

In AWS the same resources come from ``infra/resources.json``; this is the local
twin, built from the PynamoDB models so the tables cannot drift from the code.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import boto3

from chalicelib.identity.caller import ADMIN_GROUP
from chalicelib.models.registry import create_tables

REGION = "us-east-1"
MEDIA_BUCKET = "parley-local-media"
SENDER_EMAIL = "no-reply@parley.local"
PAYOUT_QUEUE = "parley-local-payouts"
PAYOUT_DLQ = "parley-local-payouts-dlq"
DELIVERY_QUEUE = "parley-local-deliveries"
DELIVERY_DLQ = "parley-local-deliveries-dlq"
CALL_TIMER_QUEUE = "parley-local-call-timers"
CALL_TIMER_DLQ = "parley-local-call-timers-dlq"
RESOURCES = Path(__file__).resolve().parents[1] / "resources.json"


@dataclass(frozen=True)
class LocalAws:
    endpoint_url: str
    region: str
    table_prefix: str
    user_pool_id: str
    web_client_id: str
    mobile_client_id: str
    media_bucket: str
    sender_email: str
    payout_queue_name: str
    payout_queue_url: str
    payout_dlq_url: str
    delivery_queue_name: str
    delivery_queue_url: str
    delivery_dlq_url: str
    call_timer_queue_name: str
    call_timer_queue_url: str

    @property
    def jwks_url(self) -> str:
        return f"{self.endpoint_url}/{self.user_pool_id}/.well-known/jwks.json"

    @property
    def media_base_url(self) -> str:
        return f"{self.endpoint_url}/{self.media_bucket}"

    def app_environment(self) -> dict[str, str]:
        """The environment the Chalice app runs with against these resources."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "PARLEY_STAGE": "local",
            "PARLEY_TABLE_PREFIX": self.table_prefix,
            "PARLEY_USER_POOL_ID": self.user_pool_id,
            "PARLEY_USER_POOL_CLIENT_IDS": f"{self.web_client_id},{self.mobile_client_id}",
            "PARLEY_JWKS_URL": self.jwks_url,
            "PARLEY_MEDIA_BUCKET": self.media_bucket,
            "PARLEY_MEDIA_BASE_URL": self.media_base_url,
            "PARLEY_SENDER_EMAIL": self.sender_email,
            "PARLEY_PAYOUT_QUEUE_NAME": self.payout_queue_name,
            "PARLEY_PAYOUT_QUEUE_URL": self.payout_queue_url,
            "PARLEY_PAYOUT_DLQ_URL": self.payout_dlq_url,
            "PARLEY_DELIVERY_QUEUE_NAME": self.delivery_queue_name,
            "PARLEY_CALL_TIMER_QUEUE_NAME": self.call_timer_queue_name,
            "PARLEY_CALL_TIMER_QUEUE_URL": self.call_timer_queue_url,
        }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self) | {"jwks_url": self.jwks_url}, indent=2))


def _client(service: str, endpoint_url: str) -> Any:
    return boto3.client(  # type: ignore[call-overload]
        service,
        region_name=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _queue_attributes(resource_name: str) -> dict[str, str]:
    """SQS attributes of a queue of ``infra/resources.json``, so the local queues cannot drift.

    Only the attributes that change behaviour are copied: the visibility timeout
    (how long a failed message stays hidden before its retry), the retention and the
    dead-letter queue's ``maxReceiveCount``; the DLQ's ARN is the local one.
    """
    properties = json.loads(RESOURCES.read_text())["Resources"][resource_name]["Properties"]
    attributes = {
        name: str(properties[name]) for name in ("VisibilityTimeout", "MessageRetentionPeriod") if name in properties
    }
    if "RedrivePolicy" in properties:
        attributes["maxReceiveCount"] = str(properties["RedrivePolicy"]["maxReceiveCount"])
    return attributes


def _create_queues(endpoint_url: str, name: str, resource: str, dlq_name: str, dlq_resource: str) -> tuple[str, str]:
    """A queue of the template and its dead-letter queue, with the template's redrive; returns both URLs."""
    sqs = _client("sqs", endpoint_url)
    dlq_url = sqs.create_queue(QueueName=dlq_name, Attributes=_queue_attributes(dlq_resource))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    attributes = _queue_attributes(resource)
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": int(attributes.pop("maxReceiveCount"))}
    queue_url = sqs.create_queue(QueueName=name, Attributes=attributes | {"RedrivePolicy": json.dumps(redrive)})
    return str(queue_url["QueueUrl"]), str(dlq_url)


def provision(endpoint_url: str, table_prefix: str = "parley-local-") -> LocalAws:
    """Create tables, the Cognito pool and clients, the media bucket, the SES sender and the queues.

    As in ``infra/resources.json``, anyone may read the bucket's ``public/`` prefix
    (photos, intro videos, resumes) and nothing else.

    Expects ``AWS_ENDPOINT_URL`` and ``PARLEY_TABLE_PREFIX`` to point at the same
    moto server and prefix (PynamoDB reads them when creating tables).
    """
    create_tables()
    cognito = _client("cognito-idp", endpoint_url)
    pool_id = cognito.create_user_pool(
        PoolName="parley-local",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        Policies={"PasswordPolicy": {"MinimumLength": 10, "RequireNumbers": True}},
    )["UserPool"]["Id"]
    flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    web = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="web", ExplicitAuthFlows=flows)
    mobile = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="mobile", ExplicitAuthFlows=flows)
    cognito.create_group(GroupName=ADMIN_GROUP, UserPoolId=pool_id, Description="Parley operators")
    s3 = _client("s3", endpoint_url)
    s3.create_bucket(Bucket=MEDIA_BUCKET)
    s3.put_bucket_cors(
        Bucket=MEDIA_BUCKET,
        CORSConfiguration={
            "CORSRules": [{"AllowedMethods": ["GET", "POST"], "AllowedOrigins": ["*"], "AllowedHeaders": ["*"]}]
        },
    )
    public_read = {
        "Sid": "PublicReadOfPublicPrefixOnly",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{MEDIA_BUCKET}/public/*",
    }
    s3.put_bucket_policy(Bucket=MEDIA_BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [public_read]}))
    _client("ses", endpoint_url).verify_email_identity(EmailAddress=SENDER_EMAIL)
    payout_queue_url, payout_dlq_url = _create_queues(
        endpoint_url, PAYOUT_QUEUE, "PayoutQueue", PAYOUT_DLQ, "PayoutDeadLetterQueue"
    )
    delivery_queue_url, delivery_dlq_url = _create_queues(
        endpoint_url, DELIVERY_QUEUE, "DeliveryQueue", DELIVERY_DLQ, "DeliveryDeadLetterQueue"
    )
    call_timer_queue_url, _ = _create_queues(
        endpoint_url, CALL_TIMER_QUEUE, "CallTimerQueue", CALL_TIMER_DLQ, "CallTimerDeadLetterQueue"
    )
    return LocalAws(
        endpoint_url=endpoint_url,
        region=REGION,
        table_prefix=table_prefix,
        user_pool_id=pool_id,
        web_client_id=web["UserPoolClient"]["ClientId"],
        mobile_client_id=mobile["UserPoolClient"]["ClientId"],
        media_bucket=MEDIA_BUCKET,
        sender_email=SENDER_EMAIL,
        payout_queue_name=PAYOUT_QUEUE,
        payout_queue_url=payout_queue_url,
        payout_dlq_url=payout_dlq_url,
        delivery_queue_name=DELIVERY_QUEUE,
        delivery_queue_url=delivery_queue_url,
        delivery_dlq_url=delivery_dlq_url,
        call_timer_queue_name=CALL_TIMER_QUEUE,
        call_timer_queue_url=call_timer_queue_url,
    )
