"""Package one stage as a CloudFormation (SAM) template and lint it.

    scripts/build-template dev        # or: .venv/bin/python -m infra.build_template dev

1. checks that ``.chalice/config.json`` names the stage's tables ``parley-<stage>-...``,
   as ``infra/resources.json`` does;
2. writes ``build/merge-<stage>.json``: ``infra/resources.json`` with the ``Stage`` and
   ``WebOrigin`` parameters pinned to this stage (from ``.chalice/config.json``);
3. runs ``chalice package --merge-template`` into ``build/<stage>/`` (``sam.json`` and
   ``deployment.zip``);
4. points every SQS event source at its queue resource (see ``wire_queue_event_sources``)
   and checks each such queue hides a message long enough for its consumer;
5. checks that every function of the merged template ends up with the environment the
   app needs: the stage's variables from ``config.json`` and the resource references
   (pool, clients, bucket, queues) from the template's ``Globals``;
6. adds the stage's alarms, their SNS topic (``alarm_topic_name`` of the stage in
   ``config.json``) and a dashboard, generated from the template's functions and
   dead-letter queues (``infra/alarms.py``);
7. runs ``cfn-lint`` on ``build/<stage>/sam.json`` and on ``infra/turn/coturn.json`` (the
   TURN server an operator may run for the stage); any finding, informational included,
   fails the build.

Exits non-zero if any step fails. Deploy the result as the stack ``parley-<stage>``
(the IAM policy grants log writing to ``/aws/lambda/parley-<stage>-*`` only), e.g.::

    aws cloudformation package --template-file build/dev/sam.json \\
        --s3-bucket <artifact bucket> --output-template-file build/dev/packaged.json
    aws cloudformation deploy --template-file build/dev/packaged.json \\
        --stack-name parley-dev --capabilities CAPABILITY_IAM
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from chalicelib.handlers.partial_batches import REPORTS_FAILED_ITEMS
from infra.alarms import add_operability

PROJECT_DIR = Path(__file__).resolve().parents[1]
RESOURCES = PROJECT_DIR / "infra" / "resources.json"
CHALICE_CONFIG = PROJECT_DIR / ".chalice" / "config.json"
TURN_TEMPLATE = PROJECT_DIR / "infra" / "turn" / "coturn.json"
BUILD_DIR = PROJECT_DIR / "build"

# Variables whose values only exist once the stack does; Globals.Function sets them.
STACK_VARIABLES = (
    "PARLEY_USER_POOL_ID",
    "PARLEY_USER_POOL_CLIENT_IDS",
    "PARLEY_MEDIA_BUCKET",
    "PARLEY_MEDIA_BASE_URL",
    "PARLEY_PAYOUT_QUEUE_URL",
    "PARLEY_PAYOUT_DLQ_URL",
    "PARLEY_CALL_TIMER_QUEUE_URL",
)
# What ``chalice package`` writes for ``@on_sqs_message(queue=NAME)``: an ARN built from the name.
CHALICE_QUEUE_ARN = re.compile(r"arn:\$\{AWS::Partition\}:sqs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:(?P<name>[^:]+)")
# AWS: a queue that triggers a function should hide a received message for at least
# six times the function's timeout (plus the batching window), or a slow but
# successful run would see its messages delivered again.
VISIBILITY_PER_FUNCTION_TIMEOUT = 6
SAM_DEFAULT_TIMEOUT = 3
SQS_DEFAULT_VISIBILITY_TIMEOUT = 30
# chalice needs a region to start; the template itself uses ${AWS::Region}.
DEFAULT_REGION = "us-east-1"


class BuildError(Exception):
    """A step of the build found a problem; the message says which."""


def stage_environment(config: dict[str, Any], stage: str) -> dict[str, str]:
    """The environment variables ``config.json`` gives every function of ``stage``."""
    stages = config.get("stages", {})
    if stage not in stages:
        raise BuildError(f"stage {stage!r} is not in {CHALICE_CONFIG} (known: {', '.join(stages)})")
    return {**config.get("environment_variables", {}), **stages[stage].get("environment_variables", {})}


def alarm_topic_name(config: dict[str, Any], stage: str) -> str:
    """The SNS topic the stage's alarms notify: ``alarm_topic_name`` of the stage in ``config.json``."""
    name = config["stages"][stage].get("alarm_topic_name")
    if not isinstance(name, str) or not name.startswith(f"parley-{stage}-"):
        raise BuildError(f"config.json stage {stage!r} needs alarm_topic_name, a topic name parley-{stage}-...")
    return name


def merge_template_for(stage: str, environment: dict[str, str]) -> dict[str, Any]:
    """``infra/resources.json`` with its parameters pinned to ``stage``."""
    expected_prefix = f"parley-{stage}-"
    if environment.get("PARLEY_TABLE_PREFIX") != expected_prefix:
        raise BuildError(
            f"config.json stage {stage!r} has PARLEY_TABLE_PREFIX="
            f"{environment.get('PARLEY_TABLE_PREFIX')!r}, but infra/resources.json names "
            f"the tables {expected_prefix}..."
        )
    if "PARLEY_WEB_ORIGIN" not in environment:
        raise BuildError(f"config.json stage {stage!r} has no PARLEY_WEB_ORIGIN")
    template: dict[str, Any] = json.loads(RESOURCES.read_text())
    parameters = template["Parameters"]
    if stage not in parameters["Stage"]["AllowedValues"]:
        raise BuildError(f"infra/resources.json does not allow Stage={stage!r}")
    parameters["Stage"]["Default"] = stage
    parameters["Stage"]["AllowedValues"] = [stage]
    parameters["WebOrigin"]["Default"] = environment["PARLEY_WEB_ORIGIN"]
    return template


def run_chalice_package(stage: str, merge_template: Path, out_dir: Path) -> Path:
    if out_dir.exists():
        shutil.rmtree(out_dir)
    env = dict(os.environ)
    if not (env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")):
        env["AWS_DEFAULT_REGION"] = DEFAULT_REGION
    command = [
        str(Path(sys.executable).parent / "chalice"),
        "--project-dir", str(PROJECT_DIR),
        "package",
        "--stage", stage,
        "--pkg-format", "cloudformation",
        "--template-format", "json",
        "--merge-template", str(merge_template),
        str(out_dir),
    ]  # fmt: skip
    if subprocess.run(command, env=env, check=False).returncode != 0:
        raise BuildError("chalice package failed (its output is above)")
    return out_dir / "sam.json"


def _functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource.get("Type") == "AWS::Serverless::Function"
    }


def _queues_by_name(template: dict[str, Any], stage: str) -> dict[str, str]:
    """The template's SQS queues: the name each gets in ``stage`` -> its logical id."""
    queues = {}
    for logical_id, resource in template["Resources"].items():
        if resource.get("Type") == "AWS::SQS::Queue":
            name = resource.get("Properties", {}).get("QueueName")
            if isinstance(name, dict) and isinstance(name.get("Fn::Sub"), str):
                name = name["Fn::Sub"].replace("${Stage}", stage)
            if isinstance(name, str):
                queues[name] = logical_id
    return queues


def wire_queue_event_sources(template: dict[str, Any], stage: str) -> list[str]:
    """Point each SQS event source at the template's queue resource; returns the problems found.

    For ``@on_sqs_message(queue=NAME)`` chalice writes the queue's ARN as a string
    built from ``NAME``. That names the right queue, but CloudFormation sees no
    reference to the queue resource, so it may create the event source mapping
    before the queue exists, and the deployment fails. Replacing the string by
    ``Fn::GetAtt [<queue>, Arn]`` makes the mapping wait for the queue. A queue
    name that no queue of the template has is a problem (a typo in
    ``PARLEY_*_QUEUE_NAME`` would otherwise only show at deploy time), and so is a
    visibility timeout shorter than AWS recommends for the consuming function. A consumer
    that answers which messages of its batch failed (``chalicelib/handlers/partial_batches.py``)
    gets ``FunctionResponseTypes: [ReportBatchItemFailures]``, without which Lambda would
    ignore the answer and delete the whole batch.
    """
    queues = _queues_by_name(template, stage)
    global_timeout = template.get("Globals", {}).get("Function", {}).get("Timeout", SAM_DEFAULT_TIMEOUT)
    problems = []
    for function_name, function in _functions(template).items():
        for event_name, event in function.get("Properties", {}).get("Events", {}).items():
            if event.get("Type") != "SQS":
                continue
            properties = event["Properties"]
            arn = properties["Queue"].get("Fn::Sub") if isinstance(properties["Queue"], dict) else None
            match = CHALICE_QUEUE_ARN.fullmatch(arn) if isinstance(arn, str) else None
            if match is None:
                problems.append(
                    f"{function_name} consumes {properties['Queue']!r}: name a queue of infra/resources.json "
                    "with @on_sqs_message(queue=...)"
                )
                continue
            queue_id = queues.get(match["name"])
            if queue_id is None:
                problems.append(f"{function_name} consumes the queue {match['name']!r}, which the template lacks")
                continue
            properties["Queue"] = {"Fn::GetAtt": [queue_id, "Arn"]}
            if str(function["Properties"].get("Handler", "")).rpartition(".")[2] in REPORTS_FAILED_ITEMS:
                properties["FunctionResponseTypes"] = ["ReportBatchItemFailures"]  # see chalicelib/handlers
            timeout = function["Properties"].get("Timeout", global_timeout)
            window = properties.get("MaximumBatchingWindowInSeconds", 0)
            needed = VISIBILITY_PER_FUNCTION_TIMEOUT * timeout + window
            visibility = template["Resources"][queue_id]["Properties"].get(
                "VisibilityTimeout", SQS_DEFAULT_VISIBILITY_TIMEOUT
            )
            if visibility < needed:
                problems.append(
                    f"{queue_id} hides messages for {visibility} s; its consumer {function_name} "
                    f"({event_name}) runs up to {timeout} s, so it needs at least {needed} s"
                )
    return problems


def missing_function_environment(template: dict[str, Any], environment: dict[str, str]) -> list[str]:
    """What each function would lack at run time, after SAM merges ``Globals`` into it.

    SAM merges the ``Environment.Variables`` map of ``Globals.Function`` key by key into
    each function's own, the function's value winning.
    """
    global_variables = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    problems = []
    functions = _functions(template)
    if not functions:
        problems.append("the template has no AWS::Serverless::Function")
    for name, resource in functions.items():
        own = resource.get("Properties", {}).get("Environment", {}).get("Variables", {})
        effective = {**global_variables, **own}
        for variable in STACK_VARIABLES:
            if variable not in effective:
                problems.append(f"{name} has no {variable}")
            elif variable in own:
                problems.append(f"{name} sets {variable} itself, hiding the stack's value")
        for variable, value in environment.items():
            if effective.get(variable) != value:
                problems.append(f"{name} has {variable}={effective.get(variable)!r}, config.json says {value!r}")
    return problems


def run_cfn_lint(template: Path, region: str) -> None:
    command = [
        str(Path(sys.executable).parent / "cfn-lint"),
        "--include-checks", "I",
        "--non-zero-exit-code", "informational",
        "--regions", region,
        "--",
        str(template),
    ]  # fmt: skip
    if subprocess.run(command, check=False).returncode != 0:
        raise BuildError(f"cfn-lint found problems in {template} (listed above)")


def build(stage: str, out_dir: Path | None = None) -> Path:
    """Steps 1 to 7 into ``out_dir`` (default ``build/<stage>``; the merge template goes beside it)."""
    out_dir = out_dir or BUILD_DIR / stage
    started = time.monotonic()
    config = json.loads(CHALICE_CONFIG.read_text())
    environment = stage_environment(config, stage)
    topic_name = alarm_topic_name(config, stage)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    merge_template = out_dir.parent / f"merge-{stage}.json"
    merge_template.write_text(json.dumps(merge_template_for(stage, environment), indent=2) + "\n")

    sam_json = run_chalice_package(stage, merge_template, out_dir)
    packaged = time.monotonic()
    shown = sam_json.relative_to(PROJECT_DIR) if sam_json.is_relative_to(PROJECT_DIR) else sam_json
    print(f"chalice package: {packaged - started:.1f} s -> {shown}")

    template = json.loads(sam_json.read_text())
    problems = wire_queue_event_sources(template, stage)
    if problems:
        raise BuildError("queue event sources:\n  " + "\n  ".join(problems))
    add_operability(template, stage, topic_name)
    sam_json.write_text(json.dumps(template, indent=2) + "\n")

    problems = missing_function_environment(template, environment)
    if problems:
        raise BuildError("function environment:\n  " + "\n  ".join(problems))

    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    run_cfn_lint(sam_json, region)
    run_cfn_lint(TURN_TEMPLATE, region)
    finished = time.monotonic()
    print(f"cfn-lint: no findings ({finished - packaged:.1f} s); total {finished - started:.1f} s")
    return sam_json


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("stage", help="a stage of .chalice/config.json that deploys to AWS, e.g. dev or prod")
    args = parser.parse_args(argv)
    try:
        build(args.stage)
    except BuildError as failure:
        print(f"build-template {args.stage}: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
