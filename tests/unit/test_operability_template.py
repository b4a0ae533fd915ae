"""The built template alarms on every function, every dead-letter queue, the API and the custom metrics,
notifies the stage's topic, and shows the same metrics on its dashboard (``infra/alarms.py``).

The template is built as ``scripts/build-template dev`` builds it (``chalice package``, the
merge, the alarms, then cfn-lint, which must find nothing), into a temporary directory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.operations import metrics
from infra import alarms
from infra.build_template import CHALICE_CONFIG, build

STAGE = "dev"
ALARM = "AWS::CloudWatch::Alarm"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    sam_json = build(STAGE, tmp_path_factory.mktemp("template") / STAGE)  # raises if cfn-lint finds anything
    return dict(json.loads(sam_json.read_text()))


def of_type(template: dict[str, Any], *types: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] in types}


def alarms_on(template: dict[str, Any], namespace: str, metric: str) -> list[dict[str, Any]]:
    """The properties of the template's alarms on ``metric`` of ``namespace``."""
    return [
        r["Properties"]
        for r in of_type(template, ALARM).values()
        if (r["Properties"].get("Namespace"), r["Properties"].get("MetricName")) == (namespace, metric)
    ]


def dimension_values(alarm: dict[str, Any]) -> list[Any]:
    return [d["Value"] for d in alarm["Dimensions"]]


def dead_letter_queues(template: dict[str, Any]) -> set[str]:
    """Queues named ...DeadLetterQueue, and queues another queue's redrive policy dead-letters to."""
    queues = of_type(template, "AWS::SQS::Queue")
    targets = {
        q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for q in queues.values()
        if "RedrivePolicy" in q["Properties"]
    }
    return {name for name in queues if name.endswith("DeadLetterQueue")} | targets


def test_the_built_template_passes_cfn_lint_and_has_alarms_and_a_dashboard(template: dict[str, Any]) -> None:
    assert len(of_type(template, ALARM)) > 10
    assert len(of_type(template, "AWS::CloudWatch::Dashboard")) == 1


@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_every_lambda_function_of_the_built_template_has_its_alarm_on_any_error_and_any_throttle(
    template: dict[str, Any], metric: str
) -> None:
    functions = of_type(template, "AWS::Serverless::Function", "AWS::Lambda::Function")
    watched = {alarm["Dimensions"][0]["Value"]["Ref"]: alarm for alarm in alarms_on(template, "AWS/Lambda", metric)}

    assert {"APIHandler", "RunCallTimers", "DeliverSideEffects", "PayExpertFromQueue", "WebsocketMessage"} <= set(
        functions
    )
    assert set(watched) == set(functions)
    for alarm in watched.values():
        assert (alarm["Statistic"], alarm["Period"], alarm["EvaluationPeriods"]) == ("Sum", 300, 1)
        assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0)
        assert alarm["TreatMissingData"] == "notBreaching"


def test_every_dead_letter_queue_of_the_built_template_has_its_alarm_on_any_visible_message(
    template: dict[str, Any],
) -> None:
    watched = {
        alarm["Dimensions"][0]["Value"]["Fn::GetAtt"][0]: alarm
        for alarm in alarms_on(template, "AWS/SQS", "ApproximateNumberOfMessagesVisible")
    }

    assert "PayoutDeadLetterQueue" in dead_letter_queues(template)
    assert set(watched) == dead_letter_queues(template)
    for alarm in watched.values():
        assert (alarm["Statistic"], alarm["ComparisonOperator"], alarm["Threshold"]) == (
            "Maximum",
            "GreaterThanThreshold",
            0,
        )
        assert alarm["TreatMissingData"] == "notBreaching"


def test_every_alarm_notifies_the_topic_the_stage_names_when_it_fires_and_when_it_clears(
    template: dict[str, Any],
) -> None:
    topic_name = json.loads(CHALICE_CONFIG.read_text())["stages"][STAGE]["alarm_topic_name"]
    [(topic_id, topic)] = of_type(template, "AWS::SNS::Topic").items()
    parameter = topic["Properties"]["TopicName"]["Ref"]

    assert template["Parameters"][parameter]["Default"] == topic_name == "parley-dev-alarms"
    for name, alarm in of_type(template, ALARM).items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}], name
        assert alarm["Properties"]["OKActions"] == [{"Ref": topic_id}], name
        assert "Runbook: README" in alarm["Properties"]["AlarmDescription"], name


def test_the_api_alarm_fires_above_one_percent_of_5xx_in_five_minutes_and_only_from_a_minimum_of_requests(
    template: dict[str, Any],
) -> None:
    [alarm] = [r["Properties"] for r in of_type(template, ALARM).values() if r["Properties"].get("Metrics") is not None]
    queries = {q["Id"]: q for q in alarm["Metrics"]}
    api_name = template["Resources"]["RestAPI"]["Properties"]["Name"]

    assert api_name == "parley-dev"  # per stage, so dev and prod in one account keep their metrics apart
    for query_id, metric in (("errors", "5XXError"), ("requests", "Count")):
        stat = queries[query_id]["MetricStat"]
        assert (stat["Metric"]["MetricName"], stat["Stat"], stat["Period"]) == (metric, "Sum", 300)
        assert {d["Name"]: d["Value"] for d in stat["Metric"]["Dimensions"]} == {"ApiName": api_name, "Stage": "api"}
    assert queries["rate"]["Expression"] == "IF(requests >= 50, 100 * errors / requests, 0)"
    assert (alarm["Threshold"], alarm["TreatMissingData"]) == (1, "notBreaching")


@pytest.mark.parametrize(
    ("metric", "statistic", "period", "periods", "threshold", "missing"),
    [
        (metrics.PAYOUT_FAILED, {"Statistic": "Sum"}, 300, 1, 0, "notBreaching"),
        (metrics.SWEEP_LAG, {"Statistic": "Maximum"}, 60, 2, 10, "ignore"),
        (metrics.DELIVERY_LAG, {"ExtendedStatistic": "p99"}, 300, 1, 60, "ignore"),
    ],
)
def test_the_custom_metrics_the_app_writes_have_their_alarms_for_the_stage(
    template: dict[str, Any],
    metric: str,
    statistic: dict[str, str],
    period: int,
    periods: int,
    threshold: int,
    missing: str,
) -> None:
    [alarm] = alarms_on(template, metrics.NAMESPACE, metric)

    assert dimension_values(alarm) == [{"Ref": "Stage"}]
    assert {k: alarm[k] for k in statistic} == statistic
    assert (alarm["Period"], alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (period, periods, periods)
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", threshold)
    assert alarm["TreatMissingData"] == missing


def as_dashboard_value(value: Any) -> Any:
    """How the dashboard's ``Fn::Sub`` body writes an alarm's dimension value."""
    if isinstance(value, dict) and "Ref" in value:
        return f"${{{value['Ref']}}}"
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return "${" + ".".join(value["Fn::GetAtt"]) + "}"
    return value


def alarmed_metrics(alarm: dict[str, Any]) -> list[tuple[Any, ...]]:
    """(namespace, metric, dimension name, value, ...) of each metric an alarm reads."""
    stats = [q["MetricStat"]["Metric"] for q in alarm.get("Metrics", []) if "MetricStat" in q] or [alarm]
    return [
        (
            s["Namespace"],
            s["MetricName"],
            *[x for d in s["Dimensions"] for x in (d["Name"], as_dashboard_value(d["Value"]))],
        )
        for s in stats
    ]


def test_the_dashboard_shows_every_alarm_and_graphs_each_alarmed_metric(template: dict[str, Any]) -> None:
    [dashboard] = of_type(template, "AWS::CloudWatch::Dashboard").values()
    body = json.loads(dashboard["Properties"]["DashboardBody"]["Fn::Sub"])
    [alarm_widget] = [w for w in body["widgets"] if w["type"] == "alarm"]
    graphed = {
        tuple(x for x in line if not isinstance(x, dict))
        for widget in body["widgets"]
        if widget["type"] == "metric"
        for line in widget["properties"]["metrics"]
    }
    every_alarm = of_type(template, ALARM)

    assert alarm_widget["properties"]["alarms"] == [f"${{{name}.Arn}}" for name in every_alarm]
    for name, alarm in every_alarm.items():
        for metric in alarmed_metrics(alarm["Properties"]):
            assert metric in graphed, f"{name} alarms on {metric}, which the dashboard does not show"
    assert (metrics.NAMESPACE, metrics.DELIVERY_FAILED, "Stage", "${Stage}") in graphed


def test_a_function_and_a_dead_letter_queue_added_later_get_their_alarms_without_anyone_listing_them() -> None:
    outbox = {"Type": "AWS::SQS::Queue", "Properties": {}}
    template: dict[str, Any] = {
        "Parameters": {"Stage": {"Type": "String"}},
        "Resources": {
            "DeliverSideEffects": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Events": {
                        "Stream": {
                            "Type": "DynamoDB",
                            "Properties": {
                                "DestinationConfig": {
                                    "OnFailure": {"Type": "SQS", "Destination": {"Fn::GetAtt": ["OutboxFailed", "Arn"]}}
                                }
                            },
                        }
                    }
                },
            },
            "OutboxFailed": outbox,
            "CallTimerDeadLetterQueue": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "CallTimerQueue": {"Type": "AWS::SQS::Queue", "Properties": {}},
        },
    }

    alarms.add_operability(template, STAGE, "parley-dev-alarms")

    resources = template["Resources"]
    assert {"DeliverSideEffectsErrorsAlarm", "DeliverSideEffectsThrottlesAlarm"} <= set(resources)
    assert {"OutboxFailedMessagesAlarm", "CallTimerDeadLetterQueueMessagesAlarm"} <= set(resources)
    assert "CallTimerQueueMessagesAlarm" not in resources  # a working queue holds messages by design
    assert "Api5xxRateAlarm" not in resources  # no REST API in this template


def test_the_alarms_refuse_to_overwrite_a_resource_the_template_already_has() -> None:
    template: dict[str, Any] = {"Resources": {alarms.TOPIC: {"Type": "AWS::SNS::Topic", "Properties": {}}}}

    with pytest.raises(ValueError, match="AlarmTopic"):
        alarms.add_operability(template, STAGE, "parley-dev-alarms")


def runbook_entry(logical_id: str, template: dict[str, Any]) -> str:
    """The README paragraph heading an alarm falls under: ``<Function>Errors``, ``<Queue>Messages`` or its own."""
    name = logical_id.removesuffix("Alarm")
    functions = of_type(template, "AWS::Serverless::Function", "AWS::Lambda::Function")
    for suffix, kind, owners in (("Errors", "<Function>", functions), ("Throttles", "<Function>", functions),
                                 ("Messages", "<Queue>", dead_letter_queues(template))):  # fmt: skip
        if name.removesuffix(suffix) in owners:
            return kind + suffix
    return name


def test_the_readme_says_what_each_alarm_means_and_what_to_do(template: dict[str, Any]) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    runbook = readme.split("## Alarms: what each means and what to do", 1)[1].split("\n## ", 1)[0]

    for logical_id in of_type(template, ALARM):
        entry = runbook_entry(logical_id, template)
        assert f"**`{entry}`:" in runbook, f"README's alarm runbook has no paragraph for {entry}"
        assert f"| `{entry}` |" in runbook, f"README's alarm table has no row for {entry}"


def test_a_consumer_that_reports_failed_messages_has_lambda_read_its_answer_and_the_others_do_not(
    template: dict[str, Any],
) -> None:
    from chalicelib.handlers.partial_batches import REPORTS_FAILED_ITEMS

    response_types = {
        str(function["Properties"]["Handler"]).rpartition(".")[2]: event["Properties"].get("FunctionResponseTypes")
        for function in of_type(template, "AWS::Serverless::Function").values()
        for event in function["Properties"].get("Events", {}).values()
        if event["Type"] == "SQS"
    }

    assert {name for name, types in response_types.items() if types == ["ReportBatchItemFailures"]} == set(
        REPORTS_FAILED_ITEMS
    )
    assert {name for name, types in response_types.items() if types is None} == set(response_types) - set(
        REPORTS_FAILED_ITEMS
    )
