"""The stage's CloudWatch alarms, their SNS topic and a dashboard of the same metrics.

``infra/build_template.py`` calls ``add_operability`` on the packaged template (after
``chalice package`` has added the functions and APIs), so the alarms are generated from
what the template holds, not listed by hand:

* every function (``AWS::Serverless::Function`` or ``AWS::Lambda::Function``) gets an
  Errors and a Throttles alarm;
* every dead-letter queue (a queue whose logical id ends in ``DeadLetterQueue``, or any
  queue named as a dead-letter or on-failure destination) gets an alarm on any visible
  message;
* the REST API gets a 5xx-rate alarm, and the custom metrics of
  ``chalicelib/operations/metrics.py`` (payout failures, sweep lag, delivery lag) one each.

Every alarm notifies (on ALARM and on OK) the topic named by the stage's
``alarm_topic_name`` in ``.chalice/config.json``, which the template creates, with an
e-mail subscription when the ``AlarmEmail`` parameter is given. The README's "Alarms:
what each means and what to do" is the runbook.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from chalicelib.operations import metrics

TOPIC = "AlarmTopic"
SUBSCRIPTION = "AlarmEmailSubscription"
DASHBOARD = "OperationsDashboard"
EMAIL_PARAMETER = "AlarmEmail"
TOPIC_PARAMETER = "AlarmTopicName"
HAS_EMAIL = "HasAlarmEmail"
REST_API = "RestAPI"  # chalice's logical id of the REST API
FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
DEAD_LETTER_SUFFIX = "DeadLetterQueue"

FIVE_MINUTES = 300
ONE_MINUTE = 60
# API 5xx rate: more than 1% of the requests of 5 minutes, counted only from this many requests,
# so that one failed request in a quiet hour does not page anyone.
API_5XX_PERCENT = 1
API_MIN_REQUESTS = 50
SWEEP_LAG_LIMIT = 10  # seconds late, at worst, for 2 minutes running
DELIVERY_LAG_LIMIT = 60  # seconds from recording to delivery, p99 over 5 minutes

# Missing data: a count that nothing reported is zero (notBreaching). A lag is only reported
# when a timer ran or a side effect was delivered; no data means either "nothing was due" (a
# quiet night) or "nothing ran" (stuck), which one data point cannot tell apart, so a lag alarm
# keeps its state (ignore): a quiet night pages nobody, and a late sweep that then stops
# reporting stays in ALARM instead of clearing itself.
COUNT_MISSING = "notBreaching"
LAG_MISSING = "ignore"


@dataclass
class Operability:
    """What ``add_operability`` adds: resources by logical id, and the dashboard's widgets."""

    topic: dict[str, str]
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    widgets: list[dict[str, Any]] = field(default_factory=list)

    def alarm(self, logical_id: str, description: str, **properties: Any) -> None:
        self.resources[logical_id] = {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmName": {"Fn::Sub": f"parley-${{Stage}}-{logical_id.removesuffix('Alarm')}"},
                "AlarmDescription": description + " Runbook: README, 'Alarms: what each means and what to do'.",
                "AlarmActions": [self.topic],
                "OKActions": [self.topic],
                **properties,
            },
        }

    def above_zero(self, logical_id: str, description: str, metric: tuple[str, str], dimension: tuple[str, Any],
                   statistic: str) -> None:  # fmt: skip
        """An alarm when ``metric`` (namespace, name) of the resource ``dimension`` (name, value) is above
        zero in 5 minutes; no data is zero."""
        self.alarm(
            logical_id,
            description,
            Namespace=metric[0],
            MetricName=metric[1],
            Dimensions=[{"Name": dimension[0], "Value": dimension[1]}],
            Statistic=statistic,
            Period=FIVE_MINUTES,
            EvaluationPeriods=1,
            ComparisonOperator="GreaterThanThreshold",
            Threshold=0,
            TreatMissingData=COUNT_MISSING,
        )

    def graph(self, title: str, metric_lines: list[list[Any]], **properties: Any) -> None:
        self.widgets.append(
            {
                "type": "metric",
                "width": 12,
                "height": 6,
                "properties": {"title": title, "region": "${AWS::Region}", "metrics": metric_lines, **properties},
            }
        )


def functions(template: dict[str, Any]) -> list[str]:
    """Logical ids of the template's Lambda functions."""
    return sorted(name for name, r in template["Resources"].items() if r.get("Type") in FUNCTION_TYPES)


def dead_letter_queues(template: dict[str, Any]) -> list[str]:
    """Logical ids of the template's dead-letter queues: by name, or named as a dead-letter destination."""
    resources = template["Resources"]
    queues = {name for name, r in resources.items() if r.get("Type") == "AWS::SQS::Queue"}
    named = {name for name in queues if name.endswith(DEAD_LETTER_SUFFIX)}
    return sorted(named | (_dead_letter_targets(resources) & queues))


def _dead_letter_targets(node: Any, under_dead_letter_key: bool = False) -> set[str]:
    """Resources referenced (``Fn::GetAtt``/``Ref``) under a queue's ``RedrivePolicy.deadLetterTargetArn``,
    a function's ``DeadLetterQueue`` or ``DeadLetterConfig``, or an event source's ``OnFailure``."""
    found: set[str] = set()
    if isinstance(node, dict):
        if under_dead_letter_key:
            if isinstance(node.get("Fn::GetAtt"), list):
                found.add(node["Fn::GetAtt"][0])
            if isinstance(node.get("Ref"), str):
                found.add(node["Ref"])
        for key, value in node.items():
            dead_letter_key = key in ("deadLetterTargetArn", "DeadLetterQueue", "DeadLetterConfig", "OnFailure")
            found |= _dead_letter_targets(value, under_dead_letter_key or dead_letter_key)
    elif isinstance(node, list):
        for item in node:
            found |= _dead_letter_targets(item, under_dead_letter_key)
    return found


def rest_api_name(template: dict[str, Any], stage: str) -> str | None:
    """Name the REST API ``parley-<stage>`` (its metrics' ``ApiName``), so two stages in one account
    do not share metrics; ``None`` when the template has no REST API."""
    api = template["Resources"].get(REST_API)
    if api is None:
        return None
    name = f"parley-{stage}"
    properties = api["Properties"]
    properties["Name"] = name
    properties.get("DefinitionBody", {}).get("info", {})["title"] = name
    return name


def add_operability(template: dict[str, Any], stage: str, topic_name: str) -> None:
    """Add the topic, the alarms and the dashboard to the packaged ``template`` of ``stage``."""
    template.setdefault("Parameters", {}).update(
        {
            TOPIC_PARAMETER: {
                "Type": "String",
                "Default": topic_name,
                "Description": "SNS topic every alarm notifies (from alarm_topic_name of the stage in "
                ".chalice/config.json).",
            },
            EMAIL_PARAMETER: {
                "Type": "String",
                "Default": "",
                "Description": "An e-mail address subscribed to the alarm topic (it must confirm); empty for none.",
            },
        }
    )
    template.setdefault("Conditions", {})[HAS_EMAIL] = {"Fn::Not": [{"Fn::Equals": [{"Ref": EMAIL_PARAMETER}, ""]}]}
    ops = Operability(topic={"Ref": TOPIC})
    ops.resources[TOPIC] = {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": TOPIC_PARAMETER}}}
    ops.resources[SUBSCRIPTION] = {
        "Type": "AWS::SNS::Subscription",
        "Condition": HAS_EMAIL,
        "Properties": {"TopicArn": {"Ref": TOPIC}, "Protocol": "email", "Endpoint": {"Ref": EMAIL_PARAMETER}},
    }
    api_name = rest_api_name(template, stage)
    if api_name is not None:
        _api_alarm(ops, api_name, template["Resources"][REST_API]["Properties"]["StageName"])
    _function_alarms(ops, functions(template))
    _queue_alarms(ops, dead_letter_queues(template))
    _custom_metric_alarms(ops)
    alarms = [name for name, r in ops.resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"]
    ops.widgets.insert(
        0,
        {
            "type": "alarm",
            "width": 24,
            "height": 2 + len(alarms) // 4,
            "properties": {"title": "Alarms", "alarms": [f"${{{name}.Arn}}" for name in alarms]},
        },
    )
    ops.resources[DASHBOARD] = {
        "Type": "AWS::CloudWatch::Dashboard",
        "Properties": {
            "DashboardName": {"Fn::Sub": "parley-${Stage}"},
            "DashboardBody": {"Fn::Sub": json.dumps({"widgets": ops.widgets}, separators=(",", ":"))},
        },
    }
    clash = set(ops.resources) & set(template["Resources"])
    if clash:
        raise ValueError(f"the template already has {sorted(clash)}, which infra/alarms.py adds")
    template["Resources"].update(ops.resources)


def _api_alarm(ops: Operability, api_name: str, stage_name: str) -> None:
    dimensions = [{"Name": "ApiName", "Value": api_name}, {"Name": "Stage", "Value": stage_name}]

    def query(query_id: str, metric: str) -> dict[str, Any]:
        stat = {"Namespace": "AWS/ApiGateway", "MetricName": metric, "Dimensions": dimensions}
        return {
            "Id": query_id,
            "MetricStat": {"Metric": stat, "Period": FIVE_MINUTES, "Stat": "Sum"},
            "ReturnData": False,
        }

    rate = f"IF(requests >= {API_MIN_REQUESTS}, 100 * errors / requests, 0)"
    ops.alarm(
        "Api5xxRateAlarm",
        f"More than {API_5XX_PERCENT}% of REST API requests answered 5xx in 5 minutes "
        f"(counted from {API_MIN_REQUESTS} requests).",
        Metrics=[
            query("errors", "5XXError"),
            query("requests", "Count"),
            {"Id": "rate", "Expression": rate, "Label": "5xx % of requests", "ReturnData": True},
        ],
        ComparisonOperator="GreaterThanThreshold",
        Threshold=API_5XX_PERCENT,
        EvaluationPeriods=1,
        TreatMissingData=COUNT_MISSING,
    )
    api = ["AWS/ApiGateway", "5XXError", "ApiName", api_name, "Stage", stage_name, {"id": "errors", "stat": "Sum"}]
    count = ["AWS/ApiGateway", "Count", "ApiName", api_name, "Stage", stage_name, {"id": "requests", "stat": "Sum"}]
    ops.graph(
        "REST API: 5xx and requests (5 min), 5xx %",
        [api, count, [{"expression": "100 * errors / requests", "label": "5xx %", "id": "rate", "yAxis": "right"}]],
        period=FIVE_MINUTES,
    )


def _function_alarms(ops: Operability, names: list[str]) -> None:
    for metric, what in (("Errors", "raised an error"), ("Throttles", "was throttled")):
        for name in names:
            description = f"Lambda function {name} {what} in the last 5 minutes."
            ops.above_zero(
                f"{name}{metric}Alarm", description, ("AWS/Lambda", metric), ("FunctionName", {"Ref": name}), "Sum"
            )
        lines = [["AWS/Lambda", metric, "FunctionName", f"${{{name}}}", {"label": name}] for name in names]
        ops.graph(f"Lambda {metric.lower()} by function", lines, stat="Sum", period=FIVE_MINUTES)


def _queue_alarms(ops: Operability, names: list[str]) -> None:
    metric = "ApproximateNumberOfMessagesVisible"
    for name in names:
        description = f"Dead-letter queue {name} holds a message: work that failed every retry waits for a person."
        queue_name = ("QueueName", {"Fn::GetAtt": [name, "QueueName"]})
        ops.above_zero(f"{name}MessagesAlarm", description, ("AWS/SQS", metric), queue_name, "Maximum")
    lines = [["AWS/SQS", metric, "QueueName", f"${{{name}.QueueName}}", {"label": name}] for name in names]
    ops.graph("Dead-letter queues: messages visible", lines, stat="Maximum", period=FIVE_MINUTES)


@dataclass(frozen=True)
class CustomAlarm:
    logical_id: str
    metric: str
    description: str
    statistic: dict[str, str]  # {"Statistic": ...} or {"ExtendedStatistic": ...}
    period: int
    periods: int
    threshold: float
    missing: str


CUSTOM_ALARMS = (
    CustomAlarm(
        "PayoutFailuresAlarm", metrics.PAYOUT_FAILED,
        "A weekly payout failed: Stripe refused the transfer, or the payout needs a person to reconcile it.",
        {"Statistic": "Sum"}, FIVE_MINUTES, 1, 0, COUNT_MISSING,
    ),
    CustomAlarm(
        "SweepLagAlarm", metrics.SWEEP_LAG,
        f"A call's timer (warning or end) ran more than {SWEEP_LAG_LIMIT} s late, 2 minutes running.",
        {"Statistic": "Maximum"}, ONE_MINUTE, 2, SWEEP_LAG_LIMIT, LAG_MISSING,
    ),
    CustomAlarm(
        "DeliveryLagAlarm", metrics.DELIVERY_LAG,
        f"The slowest 1% of side effects (mails, notifications) took more than {DELIVERY_LAG_LIMIT} s "
        "from recording to delivery over 5 minutes.",
        {"ExtendedStatistic": "p99"}, FIVE_MINUTES, 1, DELIVERY_LAG_LIMIT, LAG_MISSING,
    ),
)  # fmt: skip


def _custom_metric_alarms(ops: Operability) -> None:
    for custom in CUSTOM_ALARMS:
        ops.alarm(
            custom.logical_id,
            custom.description,
            Namespace=metrics.NAMESPACE,
            MetricName=custom.metric,
            Dimensions=[{"Name": "Stage", "Value": {"Ref": "Stage"}}],
            Period=custom.period,
            EvaluationPeriods=custom.periods,
            DatapointsToAlarm=custom.periods,
            ComparisonOperator="GreaterThanThreshold",
            Threshold=custom.threshold,
            TreatMissingData=custom.missing,
            **custom.statistic,
        )
    ops.graph(
        "Payouts and deliveries that failed",
        [_custom_line(metrics.PAYOUT_FAILED, stat="Sum"), _custom_line(metrics.DELIVERY_FAILED, stat="Sum")],
        period=FIVE_MINUTES,
    )
    ops.graph(
        "Lag (seconds): sweep max, delivery p99",
        [
            _custom_line(metrics.SWEEP_LAG, stat="Maximum", period=ONE_MINUTE),
            _custom_line(metrics.DELIVERY_LAG, stat="p99", period=FIVE_MINUTES),
        ],
        annotations={
            "horizontal": [
                {"label": "sweep alarm", "value": SWEEP_LAG_LIMIT},
                {"label": "delivery alarm", "value": DELIVERY_LAG_LIMIT},
            ]
        },
    )


def _custom_line(metric: str, **options: Any) -> list[Any]:
    """A dashboard line of one of ``chalicelib/operations/metrics.py``'s metrics, for this stage."""
    return [metrics.NAMESPACE, metric, "Stage", "${Stage}", options]
