"""Custom CloudWatch metrics, written as Embedded Metric Format log lines (no API call, no latency).

CloudWatch Logs turns each line into a metric in the ``Parley`` namespace with the stage as a dimension;
the template's alarms and dashboard (``infra/alarms.py``) read them by these names.
"""

from __future__ import annotations

import json
import os
import sys
import time

NAMESPACE = "Parley"
SWEEP_LAG = "SweepLagSeconds"  # how late a call's timer (warning, end) ran after it was due
DELIVERY_LAG = "DeliveryLagSeconds"  # from a side effect's recording to its delivery
DELIVERY_FAILED = "DeliveryFailures"  # a delivery attempt that raised (it is retried)
PAYOUT_FAILED = "PayoutFailures"  # a weekly payout Stripe refused or that could not be made

SECONDS = "Seconds"
COUNT = "Count"


def emit(name: str, value: float, unit: str = COUNT) -> None:
    """One EMF line on stdout (Lambda's log stream): the metric ``name`` in ``Parley``, by ``Stage``."""
    stage = os.environ.get("PARLEY_STAGE", "local")
    line = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {"Namespace": NAMESPACE, "Dimensions": [["Stage"]], "Metrics": [{"Name": name, "Unit": unit}]}
            ],
        },
        "Stage": stage,
        name: value,
    }
    sys.stdout.write(json.dumps(line) + "\n")
