"""Custom metrics are Embedded Metric Format lines on stdout, which CloudWatch turns into metrics."""

from __future__ import annotations

import json

import pytest

from chalicelib.operations.metrics import NAMESPACE, SECONDS, SWEEP_LAG, emit


def test_a_metric_is_one_log_line_cloudwatch_reads_in_the_parley_namespace_by_stage(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_STAGE", "prod")

    emit(SWEEP_LAG, 2.5, SECONDS)

    [line] = capsys.readouterr().out.splitlines()
    record = json.loads(line)
    [directive] = record["_aws"]["CloudWatchMetrics"]
    assert directive == {
        "Namespace": NAMESPACE,
        "Dimensions": [["Stage"]],
        "Metrics": [{"Name": "SweepLagSeconds", "Unit": "Seconds"}],
    }
    assert (record["Stage"], record["SweepLagSeconds"]) == ("prod", 2.5)
    assert isinstance(record["_aws"]["Timestamp"], int)
