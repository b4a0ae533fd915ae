"""Cold start of Parley's API Lambda, measured against the floor any Chalice + PynamoDB Lambda pays.

What: for each of N fresh Python processes, alternating ours and the floor, the time
from the top of the process through ``import app`` to the end of its first request,
served the way Lambda serves it: ``app.app(event, context)`` with an API Gateway proxy
event for ``GET /experts/{expert_id}``. Ours reads a seeded expert's public profile;
the floor (``benchmarks/floor_app``: bare Chalice, one PynamoDB model) reads the same
item. Timed twice: inside the child with ``time.perf_counter`` from its first line,
and from here as the wall time of the whole process (interpreter start and exit too).

Why a floor: Python, Chalice, botocore and PynamoDB are most of a cold start and every
such Lambda pays them. The ratio ours/floor is what our own code adds (target <= 1.3)
and, unlike absolute milliseconds, it holds from one machine to the next.

DynamoDB is a moto server started here on a free 127.0.0.1 port, provisioned with
``infra.local.provision`` and seeded with one profile. A property, not a timing, is
also checked: serving the public profile must not import ``stripe``,
``aws_xray_sdk``, ``pydantic`` or ``jwt`` (exit status 1 if it does). With ``--importtime``, or when the ratio
is over target, ``python -X importtime`` names the modules only ours imports.

    scripts/bench-cold-start [--runs 15] [--importtime] [--env NAME=VALUE]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APP_DIRS = {"ours": ROOT, "floor": ROOT / "benchmarks" / "floor_app"}
TARGET_RATIO = 1.3
HEAVY = ("stripe", "aws_xray_sdk", "pydantic", "jwt", "cryptography")
# Only some paths need these; a public profile read must not pay for them (issue 2, item 10).
FORBIDDEN = ("stripe", "aws_xray_sdk", "pydantic", "jwt")
EXPERT_ID = "0b6f6c1e-4f0e-4d7a-9b53-2a4e8f1c7d10"
TABLE_PREFIX = "parley-bench-"

# Run as ``python -c`` in the app's directory: nothing is imported before the clock starts.
CHILD = f"""\
import time
started = time.perf_counter()
import json, os, sys, types
import app
imported = time.perf_counter()
context = types.SimpleNamespace(function_name="bench", aws_request_id="cold-1", memory_limit_in_mb=512)
response = app.app(json.loads(os.environ["BENCH_EVENT"]), context)
done = time.perf_counter()
heavy = [name for name in {HEAVY!r} if name in sys.modules]
print("BENCH " + json.dumps({{"total": done - started, "import": imported - started,
    "status": response["statusCode"], "body": response["body"], "heavy": heavy}}))
"""


@dataclass(frozen=True)
class Run:
    kind: str
    total: float  # import + first request, timed inside the child
    imported: float  # import alone, inside the child
    wall: float  # the whole subprocess, timed here
    heavy: list[str]
    body: str


def api_gateway_event(expert_id: str) -> dict[str, Any]:
    """A REST API (v1) proxy event for ``GET /experts/{expert_id}``, as API Gateway sends it."""
    path = f"/experts/{expert_id}"
    headers = {"Accept": "application/json", "Host": "api.parley.example", "User-Agent": "bench"}
    return {
        "resource": "/experts/{expert_id}",
        "path": path,
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"expert_id": expert_id},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/experts/{expert_id}",
            "httpMethod": "GET",
            "path": f"/api{path}",
            "stage": "api",
            "requestId": "bench-request-1",
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": None,
        "isBase64Encoded": False,
    }


def seed_profile() -> str:
    """Write one realistic public profile through the app's model; returns its table name."""
    from chalicelib.models.expert_profile import EducationEntry, ExpertProfile

    now = datetime.now(UTC)
    ExpertProfile(
        EXPERT_ID,
        slug="ada-lovelace",
        name="Ada Lovelace",
        job_title="Principal software engineer",
        company="Analytical Engines",
        advice_on="software architecture, Python and machine learning",
        offering="Architecture reviews and pairing sessions on hard bugs",
        description="Twenty years of building data systems; I help teams ship reliable software.",
        categories=["technology", "career"],
        tags=["python", "machine learning", "architecture"],
        languages=["en", "fr"],
        skills=["python", "aws", "distributed-systems"],
        education=[
            EducationEntry(
                institution="University of London",
                qualification="MSc",
                field="Mathematics",
                start_year=2001,
                end_year=2003,
            )
        ],
        currency="USD",
        rate_per_minute=300,
        hourly_rate=15000,
        free_minutes=5,
        photo_key=f"public/{EXPERT_ID}/photo/portrait.png",
        presence="online",
        rating_total=47,
        rating_count=10,
        search_facets=["all", "category#technology", "category#career", "language#en", "language#fr"],
        created_at=now,
        updated_at=now,
    ).save()
    return str(ExpertProfile.Meta.table_name)


def start_aws() -> tuple[Any, dict[str, str]]:
    """Start moto on a free loopback port, provision Parley's resources, seed a profile.

    Returns the server and the environment the children run with: Lambda's (no AWS
    config files, the stage's variables) rather than whatever this shell has.
    """
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    os.environ.update(
        AWS_ENDPOINT_URL=url,
        PARLEY_TABLE_PREFIX=TABLE_PREFIX,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_REGION="us-east-1",
    )
    from infra.local.provision import provision

    aws = provision(url, table_prefix=TABLE_PREFIX)
    table = seed_profile()
    env = {name: os.environ[name] for name in ("PATH", "LANG", "TZ") if name in os.environ}
    env |= aws.app_environment() | {
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "FLOOR_TABLE": table,
        "BENCH_EVENT": json.dumps(api_gateway_event(EXPERT_ID)),
    }
    return server, env


def run_child(kind: str, env: dict[str, str], flags: tuple[str, ...] = ()) -> tuple[Run, str]:
    """One fresh process: import the app, serve one request. Returns the run and its stderr."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, *flags, "-c", CHILD],
        cwd=APP_DIRS[kind],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    wall = time.perf_counter() - started
    lines = [line for line in proc.stdout.splitlines() if line.startswith("BENCH ")]
    if proc.returncode != 0 or not lines:
        sys.exit(f"{kind}: child failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-4000:]}")
    out = json.loads(lines[-1].removeprefix("BENCH "))
    if out["status"] != 200 or json.loads(out["body"]).get("expert_id") != EXPERT_ID:
        sys.exit(f"{kind}: the first request did not return the profile: {out['status']} {out['body'][:500]}")
    return Run(kind, out["total"], out["import"], wall, out["heavy"], out["body"]), proc.stderr


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else values[0]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


@dataclass(frozen=True)
class Import:
    name: str
    self_us: int
    importer: str | None  # our module (app, chalicelib.*) whose import pulled it in; None: at request time


def import_tree(stderr: str) -> list[Import]:
    """Parse ``-X importtime`` output (children print before their parent, indented by depth)."""
    rows = []
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self [us]" not in line:
            self_time, _, name = line.removeprefix("import time:").split("|")
            depth = (len(name) - len(name.lstrip()) - 1) // 2
            rows.append((depth, name.strip(), int(self_time)))
    found: list[Import] = []
    stack: list[tuple[int, str]] = []  # enclosing imports, walking the tree top-down
    for depth, name, self_us in reversed(rows):
        while stack and stack[-1][0] >= depth:
            stack.pop()
        ours = [n for _, n in stack if n == "app" or n.startswith("chalicelib")]
        found.append(Import(name, self_us, ours[-1] if ours else None))
        stack.append((depth, name))
    return found


def report_offenders(env: dict[str, str], top: int = 8) -> None:
    """Name the packages only ours imports, their self time and which of our modules pulls them in."""
    ours = import_tree(run_child("ours", env, ("-X", "importtime"))[1])
    floor = {imp.name for imp in import_tree(run_child("floor", env, ("-X", "importtime"))[1])}
    extra = [imp for imp in ours if imp.name not in floor and imp.name != "app"]
    by_package: dict[str, list[Import]] = defaultdict(list)
    for imp in extra:
        by_package[imp.name.split(".")[0]].append(imp)
    print(
        f"\nimports only ours makes (python -X importtime, one run; {len(extra)} modules, "
        f"{sum(i.self_us for i in extra) / 1000:.0f} ms self time):"
    )
    ranked = sorted(by_package.items(), key=lambda item: -sum(i.self_us for i in item[1]))
    for package, imps in ranked[:top]:
        outer = [i for i in imps if i.importer is None or not i.importer.startswith(package)]
        importers = sorted({i.importer or "(at request time)" for i in outer if not i.name.startswith("chalicelib")})
        via = f"  <- via {', '.join(importers)}" if importers and package != "chalicelib" else ""
        print(f"  {sum(i.self_us for i in imps) / 1000:7.1f} ms  {package} ({len(imps)} modules){via}")
        if package == "chalicelib":
            for imp in sorted(imps, key=lambda i: -i.self_us)[:top]:
                print(f"  {'':12}{imp.self_us / 1000:5.1f} ms  {imp.name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="fresh processes per app (default 15)")
    parser.add_argument("--importtime", action="store_true", help="always list what only ours imports")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override the children's environment, e.g. AWS_REGION=eu-west-1 (repeatable)",
    )
    args = parser.parse_args()

    server, env = start_aws()
    env |= dict(item.split("=", 1) for item in args.env)
    try:
        for kind in APP_DIRS:  # untimed: .pyc files written, source files in the page cache
            run_child(kind, env)
        runs: dict[str, list[Run]] = {"ours": [], "floor": []}
        for _ in range(args.runs):
            for kind in ("ours", "floor"):
                runs[kind].append(run_child(kind, env)[0])

        print(
            f"cold start: GET /experts/{{expert_id}}, {args.runs} fresh processes each, alternating "
            f"(python {sys.version.split()[0]}, DynamoDB = moto at {env['AWS_ENDPOINT_URL']})"
        )
        print(f"{'':31}{'median':>9}{'p90':>9}")
        for kind, label, pick in [
            ("ours", "import + first request", lambda r: r.total),
            ("ours", "  of which import", lambda r: r.imported),
            ("ours", "process wall time", lambda r: r.wall),
            ("floor", "import + first request", lambda r: r.total),
            ("floor", "  of which import", lambda r: r.imported),
            ("floor", "process wall time", lambda r: r.wall),
        ]:
            values = [pick(r) for r in runs[kind]]
            print(f"{kind:6}{label:25}{ms(statistics.median(values)):>9}{ms(p90(values)):>9}")
        print(f"response bodies: ours {len(runs['ours'][0].body)} bytes, floor {len(runs['floor'][0].body)} bytes")

        heavy = sorted({name for r in runs["ours"] for name in r.heavy})
        print(
            f"heavy modules imported by the time ours served the profile: {', '.join(heavy) or 'none'}"
            f"  (checked: {', '.join(HEAVY)})"
        )
        wall = {kind: statistics.median(r.wall for r in runs[kind]) for kind in runs}
        print(f"wall time ratio (median, whole process): {wall['ours'] / wall['floor']:.2f}")
        median = {kind: statistics.median(r.total for r in runs[kind]) for kind in runs}
        ratio = median["ours"] / median["floor"]
        print(
            f"cold start ratio (median, import + first request): {ratio:.2f}  "
            f"(ours {ms(median['ours'])}, floor {ms(median['floor'])})  "
            f"target <= {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'NOT MET'}"
        )

        if args.importtime or ratio > TARGET_RATIO:
            report_offenders(env)
    finally:
        server.stop()

    forbidden = [name for name in heavy if name in FORBIDDEN]
    if forbidden:
        print(f"FAIL: serving a public profile imports {', '.join(forbidden)}; keep it off this path.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
