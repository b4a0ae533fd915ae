"""Parley's local stack in one command: moto, localstripe, ``chalice local`` and the WebSocket gateway.

    python -m infra.local.stack [--port-api N] [--port-ws N] [--state-dir .local] [--no-seed] [--no-reload]

Starts, each on a free loopback port unless told otherwise:

* a moto server (DynamoDB, Cognito, S3, SES, SQS), provisioned by ``provision()``;
* localstripe, bound to 127.0.0.1 only and kept in memory (its own ``localstripe``
  command listens on every interface and shares ``/tmp/localstripe.pickle``
  between runs, so we serve its app ourselves);
* the API with ``chalice local --stage local``, with the environment that points
  it at the two above. ``chalice local`` copies the stage's
  ``environment_variables`` from ``.chalice/config.json`` over the process
  environment; our wrapper makes the launcher's values win for every variable
  it sets, so the pool and client ids the app checks tokens against are the
  ones just created;
* the jobs runner (``python -m infra.local.jobs``), the stand-in for EventBridge
  schedules and Lambda's SQS polling, with the same environment as the API;
* coturn (Debian's ``turnserver``; ``infra/local/turn.py``), the TURN and STUN server of
  the calls, on loopback with a secret made for this stack, which the API signs the TURN
  credentials it hands out with (installed with apt-get if missing and we are root);
* the WebSocket gateway (``python -m infra.local.ws_gateway``), the stand-in for API
  Gateway's WebSocket API and its ``@connections`` management API, with the same
  environment again. The app environment of all three carries the management API's
  address in ``PARLEY_WS_MANAGEMENT_URL``, so the app posts to connections the same
  way from a WebSocket handler, a REST route or a scheduled job.

Then it seeds the demo data (unless ``--no-seed``), writes ``<state-dir>/stack.json``
(last, so its presence means "ready"), prints the endpoints and demo logins, and
waits. SIGINT or SIGTERM stops every process it started, by the process group each
was started in, and exits 0. Process logs are in ``<state-dir>/logs/``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from infra.local.turn import LocalTurn

REPO = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"
TABLE_PREFIX = "parley-local-"
STRIPE_SECRET_KEY = "sk_test_local"
STRIPE_WEBHOOK_SECRET = "whsec_local_stack"
STOP_TIMEOUT = 8.0
LOG_TAIL_LINES = 40

# Internal entry points: the launcher runs these in its child processes.
SERVE_CHALICE = "_serve-chalice"
SERVE_LOCALSTRIPE = "_serve-localstripe"
JOBS_READY = '"message": "ready"'  # the jobs runner's log line once it runs
GATEWAY_READY = '"message": "ready"'  # the WebSocket gateway's log line once it serves
WS_STAGE = "local"  # the WebSocket API's stage: the path of its URLs, as in AWS


class StackError(RuntimeError):
    """The stack could not start; the message says which process and why."""


class _StopRequestedError(Exception):
    """Raised by the SIGINT/SIGTERM handler to unwind into the clean-up."""


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def interrupt(launcher: subprocess.Popen[Any], timeout: float) -> bool:
    """Stop a launcher started with ``python -m infra.local.stack`` as Ctrl-C does (SIGINT, then its clean-up),
    killing it if it outlives ``timeout`` seconds. True if it stopped by itself (or had stopped already)."""
    if launcher.poll() is not None:
        return True
    launcher.send_signal(signal.SIGINT)
    try:
        launcher.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        launcher.kill()
        launcher.wait(timeout=10)
        return False
    return True


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    tail = text.splitlines()[-lines:]
    return "\n".join("    " + line for line in tail) or "    (log is empty)"


def _child_setup() -> None:  # runs in the child between fork and exec
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    if sys.platform.startswith("linux"):
        # Die with the launcher even if it is killed with SIGKILL.
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class Service:
    name: str
    port: int
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    ready_path: str = "/"
    needs_ok: bool = False  # readiness needs a 2xx (else any HTTP answer will do)
    ready_log_text: str | None = None  # for a service without HTTP: ready once its log shows this
    ready_check: Callable[[], bool] | None = None  # for a service without HTTP or log line: ready once True
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"


@dataclass
class Supervisor:
    """Starts services in their own process groups and stops exactly those groups."""

    services: list[Service] = field(default_factory=list)

    def start(self, service: Service) -> None:
        service.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = service.log_path.open("wb")
        # Signals stay blocked until the child is recorded, so Ctrl-C can never
        # leave behind a process we do not know about.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            service.process = subprocess.Popen(
                service.argv,
                cwd=REPO,
                env=service.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own group: the terminal's Ctrl-C reaches only us
                preexec_fn=_child_setup,  # the launcher is single-threaded
            )
            self.services.append(service)
        finally:
            log.close()
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})

    def wait_ready(self, service: Service, deadline: float) -> None:
        url = service.url + service.ready_path
        if service.ready_log_text is not None:
            url = f"{service.log_path} (waiting for {service.ready_log_text})"
        if service.ready_check is not None:
            url = f"port {service.port} (waiting for an answer)"
        while True:
            assert service.process is not None
            code = service.process.poll()
            if code is not None:
                tail = log_tail(service.log_path)
                hint = f"\n  Port {service.port} is taken: choose another or let the launcher pick one." * (
                    "already in use" in tail.lower()
                )
                raise StackError(
                    f"{service.name} exited with code {code} while starting (log {service.log_path}):\n{tail}{hint}"
                )
            if service.ready_check is not None:
                status = None
                if service.ready_check():
                    return
            elif service.ready_log_text is not None:
                status = None
                if service.ready_log_text in log_tail(service.log_path):
                    return
            else:
                status = _http_status(url)
                if status is not None and (not service.needs_ok or 200 <= status < 300):
                    return
            if time.monotonic() > deadline:
                answered = f"last answer HTTP {status}" if status else "no answer"
                raise StackError(
                    f"{service.name} did not become ready at {url} in time ({answered}; "
                    f"log {service.log_path}):\n{log_tail(service.log_path)}"
                )
            time.sleep(0.1)

    def start_and_wait(self, service: Service, deadline: float, *, port_chosen: bool) -> None:
        self.start(service)
        self.wait_ready_or_move(service, deadline, port_chosen=port_chosen)

    def wait_ready_or_move(self, service: Service, deadline: float, *, port_chosen: bool) -> None:
        """Wait for a started service; if a port we picked was taken meanwhile, try another."""
        for attempt in range(3):
            try:
                self.wait_ready(service, deadline)
                return
            except StackError:
                lost_race = "already in use" in log_tail(service.log_path).lower()
                if port_chosen or not lost_race or attempt == 2:
                    raise
            self.services.remove(service)
            old = str(service.port)
            service.port = free_port()
            service.argv = [str(service.port) if arg == old else arg for arg in service.argv]
            self.start(service)

    def dead(self) -> list[Service]:
        return [s for s in self.services if s.process is not None and s.process.poll() is not None]

    def stop_all(self) -> None:
        """SIGTERM each service's process group (newest first), then SIGKILL what is left."""
        running = [s for s in reversed(self.services) if s.process is not None]
        for service in running:
            _signal_group(service, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for service in running:
            assert service.process is not None
            with contextlib.suppress(subprocess.TimeoutExpired):
                service.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        for service in running:
            # Also reaps leftovers in the group, e.g. chalice's reloader worker.
            _signal_group(service, signal.SIGKILL)
            assert service.process is not None
            try:
                service.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                print(f"warning: {service.name} (pid {service.process.pid}) did not stop", file=sys.stderr)
        self.services.clear()


def _signal_group(service: Service, sig: int) -> None:
    assert service.process is not None
    # The group was created for this child (start_new_session), so its id is the child's pid.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(service.process.pid, sig)


def _http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=1.0) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, OSError):
        return None


# --------------------------------------------------------------------------- the stack


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = str(REPO)
    return env


# A developer's real AWS profile or session must never leak into the local stack.
_SCRUBBED = frozenset(
    {"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "CHALICE_WORKER"}
)


def _use_local_aws(endpoint_url: str) -> None:
    """Point this process (``provision`` and the models) at the moto server."""
    for name in _SCRUBBED:
        os.environ.pop(name, None)
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": endpoint_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "PARLEY_TABLE_PREFIX": TABLE_PREFIX,
        }
    )


def register_stripe_webhook(stripe_url: str, endpoint: str) -> None:
    """Have the local Stripe send its signed events to our API, as a Stripe dashboard endpoint would."""
    body = urllib.parse.urlencode({"url": endpoint, "secret": STRIPE_WEBHOOK_SECRET}).encode()
    request = urllib.request.Request(f"{stripe_url}/_config/webhooks/parley", data=body, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 200:
            raise StackError(f"localstripe refused the webhook endpoint: HTTP {response.status}")


def _already_running(stack_file: Path) -> int | None:
    try:
        pid = int(json.loads(stack_file.read_text())["launcher_pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists() and b"infra.local.stack" not in cmdline.read_bytes():
        return None  # a stale stack.json whose pid now belongs to something else
    return pid if pid != os.getpid() else None


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(tmp, path)


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    state_dir = Path(args.state_dir).resolve()
    logs = state_dir / "logs"
    stack_file = state_dir / "stack.json"
    other = _already_running(stack_file)
    if other:
        print(f"A local stack is already running from {state_dir} (launcher pid {other}).", file=sys.stderr)
        print("Stop it (Ctrl-C in its terminal) or pass another --state-dir.", file=sys.stderr)
        return 1
    logs.mkdir(parents=True, exist_ok=True)
    stack_file.unlink(missing_ok=True)
    for old in logs.glob("*.log"):
        old.unlink()

    supervisor = Supervisor()

    def on_signal(signum: int, frame: object) -> None:
        raise _StopRequestedError(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        deadline = time.monotonic() + args.timeout
        python = sys.executable
        moto = Service(
            name="moto server",
            port=args.port_moto or free_port(),
            argv=[],
            env=_base_env(),
            log_path=logs / "moto.log",
            ready_path="/moto-api/",
        )
        moto.argv = [python, "-m", "infra.local.moto_server", "-H", LOOPBACK, "-p", str(moto.port)]
        stripe = Service(
            name="localstripe",
            port=args.port_stripe or free_port(),
            argv=[],
            env=_base_env(),
            log_path=logs / "localstripe.log",
        )
        stripe.argv = [python, "-m", "infra.local.stack", SERVE_LOCALSTRIPE, "--port", str(stripe.port)]
        supervisor.start(moto)
        supervisor.start(stripe)
        supervisor.wait_ready_or_move(moto, deadline, port_chosen=bool(args.port_moto))
        supervisor.wait_ready_or_move(stripe, deadline, port_chosen=bool(args.port_stripe))

        _use_local_aws(moto.url)
        from infra.local.provision import provision
        from infra.local.ws_gateway import MANAGEMENT_URL_VARIABLE

        local = provision(moto.url, TABLE_PREFIX)
        turn = _start_turn(supervisor, state_dir)
        ws_port, ws_management_port = args.port_ws or free_port(), free_port()
        web_port = free_port()  # chosen now: the API's links back to the web client (Stripe's return) name it
        ws_management_url = f"http://{LOOPBACK}:{ws_management_port}/{WS_STAGE}"
        app_env = local.app_environment() | {
            "PARLEY_STRIPE_API_BASE": stripe.url,
            "PARLEY_STRIPE_SECRET_KEY": STRIPE_SECRET_KEY,
            "PARLEY_STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
            # Seconds to add to the clock in every process of the stack (see chalicelib/runtime.py):
            # write a number into this file to make time pass without waiting.
            "PARLEY_CLOCK_OFFSET_FILE": str(state_dir / "clock-offset"),
            MANAGEMENT_URL_VARIABLE: ws_management_url,
            "PARLEY_WEB_ORIGIN": f"http://{LOOPBACK}:{web_port}",
        }
        app_env |= turn.app_environment()
        api_env = _base_env() | app_env | {"PARLEY_LAUNCHER_PINNED": ",".join(sorted(app_env))}
        api = Service(
            name="chalice local (API)",
            port=args.port_api or free_port(),
            argv=[],
            env=api_env,
            log_path=logs / "api.log",
            ready_path="/health",
            needs_ok=True,
        )
        api.argv = [python, "-m", "infra.local.stack", SERVE_CHALICE, "--stage", "local", "--host", LOOPBACK]
        api.argv += ["--port", str(api.port)] + ([] if args.reload else ["--no-autoreload"])
        jobs = Service(
            name="jobs runner (schedules, queues)",
            port=0,
            argv=[python, "-m", "infra.local.jobs", "--stage", "local"],
            env=api_env,
            log_path=logs / "jobs.log",
            ready_log_text=JOBS_READY,
        )
        gateway_argv = [python, "-m", "infra.local.ws_gateway", "--app-dir", str(REPO), "--stage", WS_STAGE]
        gateway = Service(
            name="WebSocket gateway",
            port=ws_port,
            argv=[*gateway_argv, "--port", str(ws_port), "--management-port", str(ws_management_port)],
            env=api_env,
            log_path=logs / "ws-gateway.log",
            ready_log_text=GATEWAY_READY,
        )
        supervisor.start(api)
        supervisor.start(jobs)
        supervisor.start(gateway)
        deadline = time.monotonic() + args.timeout
        supervisor.wait_ready_or_move(api, deadline, port_chosen=bool(args.port_api))
        supervisor.wait_ready(jobs, deadline)
        supervisor.wait_ready(gateway, deadline)
        supervisor.wait_ready(next(s for s in supervisor.services if s.name == TURN_NAME), deadline)
        register_stripe_webhook(stripe.url, f"{api.url}/webhooks/stripe")
        ws_url = f"ws://{LOOPBACK}:{ws_port}/{WS_STAGE}"
        web = _web_client(python, state_dir, logs, api.url, ws_url, moto.url, stripe.url, local, web_port)
        supervisor.start_and_wait(web, deadline, port_chosen=True)  # the API names this origin: it cannot move

        logins: list[dict[str, Any]] = []
        if args.seed:
            from infra.local import demo_data

            try:
                logins = demo_data.seed(
                    api_url=api.url,
                    cognito_endpoint=moto.url,
                    region=local.region,
                    user_pool_id=local.user_pool_id,
                    client_id=local.web_client_id,
                    log_path=logs / "seed.log",
                )
                demo_data.seed_paid_sessions(
                    app_environment=app_env,
                    cognito_endpoint=moto.url,
                    region=local.region,
                    user_pool_id=local.user_pool_id,
                )
            except demo_data.SeedError as error:
                raise StackError(
                    f"seeding the demo data failed (start with --no-seed to skip it): {error}\n"
                    f"  API log {api.log_path}:\n{log_tail(api.log_path)}"
                ) from None
        info: dict[str, Any] = {
            "api_url": api.url,
            "ws_url": f"ws://{LOOPBACK}:{ws_port}/{WS_STAGE}",
            "ws_management_url": ws_management_url,
            "web_url": web.url + "/",
            "moto_url": moto.url,
            "localstripe_url": stripe.url,
            "turn": turn.info(),
            "region": local.region,
            "user_pool_id": local.user_pool_id,
            "web_client_id": local.web_client_id,
            "mobile_client_id": local.mobile_client_id,
            "jwks_url": local.jwks_url,
            "token_issuer": f"https://cognito-idp.{local.region}.amazonaws.com/{local.user_pool_id}",
            "media_bucket": local.media_bucket,
            "media_base_url": local.media_base_url,
            "table_prefix": local.table_prefix,
            "sender_email": local.sender_email,
            "stripe_secret_key": STRIPE_SECRET_KEY,
            "app_environment": app_env,
            "jobs": _jobs_ready_entry(jobs.log_path),
            "demo_password": _demo_password() if args.seed else None,
            "demo_logins": logins,
            "logs_dir": str(logs),
            "launcher_pid": os.getpid(),
            "pids": {s.name: s.process.pid for s in supervisor.services if s.process is not None},
            "started_in_seconds": round(time.monotonic() - started, 2),
        }
        _write_json(stack_file, info)
        print(banner(info, stack_file), flush=True)
        while True:
            dead = supervisor.dead()
            if dead:
                service = dead[0]
                assert service.process is not None
                raise StackError(
                    f"{service.name} stopped unexpectedly (exit code {service.process.returncode}; "
                    f"log {service.log_path}):\n{log_tail(service.log_path)}"
                )
            time.sleep(0.5)
    except _StopRequestedError as stop:
        print(f"\n{stop}: stopping the local stack...", file=sys.stderr, flush=True)
        return 0
    except StackError as error:
        print(f"\nThe local stack failed: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        # Stop even if a second Ctrl-C arrives while we are stopping.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        supervisor.stop_all()
        stack_file.unlink(missing_ok=True)
        print("Local stack stopped.", file=sys.stderr, flush=True)


TURN_NAME = "coturn (TURN)"


def _start_turn(supervisor: Supervisor, state_dir: Path) -> LocalTurn:
    """Configure and start this stack's coturn (readiness is awaited with the others)."""
    from infra.local import turn

    logs = state_dir / "logs"
    try:
        binary = turn.turnserver_binary(logs / "coturn-install.log")
    except turn.TurnUnavailableError as error:
        raise StackError(str(error)) from None
    local = turn.configure(state_dir)
    service = Service(
        name=TURN_NAME,
        port=local.port,
        argv=[binary, "-c", str(local.config_path)],
        env=_base_env(),
        log_path=logs / "coturn.log",
        ready_check=lambda: turn.answers_stun(local.port),
    )
    supervisor.start(service)
    return local


def _web_client(
    python: str,
    state_dir: Path,
    logs: Path,
    api_url: str,
    ws_url: str,
    moto_url: str,
    stripe_url: str,
    local: Any,
    port: int,
) -> Service:
    """The web client's static server, and the config.json it serves (this stage's endpoints).

    Stripe.js is localstripe's stand-in (any ``pk_test_`` key); uploads and media are moto's S3."""
    config = {"stage": "local", "api_url": api_url, "ws_url": ws_url, "cognito_endpoint": moto_url,
              "web_client_id": local.web_client_id, "demo_payment_method": "pm_card_visa",
              "stripe_js_url": f"{stripe_url}/js.stripe.com/v3/", "stripe_api_url": stripe_url,
              "stripe_publishable_key": "pk_test_parley_local", "media_url": moto_url}  # fmt: skip
    config_path = state_dir / "web-config.json"
    _write_json(config_path, config)
    web = Service(name="web client", port=port, argv=[], env=_base_env(), log_path=logs / "web.log",
                  ready_path="/config.json", needs_ok=True)  # fmt: skip
    web.argv = [python, "-m", "infra.local.web_server", "--port", str(web.port), "--config", str(config_path)]
    return web


def _jobs_ready_entry(log_path: Path) -> dict[str, Any]:
    """What the jobs runner said it runs, from its "ready" log line."""
    for line in log_path.read_text(errors="replace").splitlines():
        if JOBS_READY in line:
            return dict(json.loads(line))
    return {}


def _demo_password() -> str:
    from infra.local.demo_data import PASSWORD

    return PASSWORD


def _jobs_banner(jobs: dict[str, Any]) -> list[str]:
    schedules, consumers = jobs.get("schedules", []), jobs.get("consumers", [])
    lines = [
        f"  Jobs          {len(schedules)} scheduled, {len(consumers)} queue consumer(s)   "
        "(python -m infra.local.jobs --list | --run NAME)"
    ]
    lines += [f"                {s['function']}  {s['expression']}  next {s['next_run']}" for s in schedules]
    lines += [f"                {c['function']}  <- queue {c['queue']}" for c in consumers]
    return lines


def banner(info: dict[str, Any], stack_file: Path) -> str:
    def shown(path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    lines = [
        "",
        f"Parley local stack is up ({info['started_in_seconds']:.1f} s)",
        f"  API           {info['api_url']}   (chalice local, stage local)",
        f"  WebSocket     {info['ws_url']}?token=...   (local gateway; @connections at {info['ws_management_url']})",
        f"  Web client    {info['web_url']}   (web/dist, built by scripts/build-web; config.json per stage)",
        f"  AWS (moto)    {info['moto_url']}   DynamoDB, Cognito, S3, SES, SQS",
        f"  Email outbox  {info['moto_url']}/_parley/outbox   (every email SES accepted; scripts/outbox)",
        f"  Stripe        {info['localstripe_url']}   (localstripe, key {info['stripe_secret_key']})",
        f"  TURN / STUN   {', '.join(info['turn']['turn_urls'])}   (coturn, realm {info['turn']['realm']})",
        f"  User pool     {info['user_pool_id']}   web client {info['web_client_id']}",
        f"                mobile client {info['mobile_client_id']}",
        f"  JWKS          {info['jwks_url']}",
        f"  Media bucket  {info['media_bucket']}   ({info['media_base_url']})",
        f"  Endpoints     {shown(stack_file)}   logs: {shown(Path(info['logs_dir']))}/",
    ]
    lines += _jobs_banner(info.get("jobs", {}))
    if info["demo_logins"]:
        lines += ["", f"Demo logins (password {info['demo_password']}):"]
        for login in info["demo_logins"]:
            lines.append(f"  {login['role']:<7} {login['email']:<38} {login['summary']}")
        first_expert = next((x["email"] for x in info["demo_logins"] if x["role"] == "expert"), None)
        if first_expert:
            lines += [
                "",
                f'  curl -H "Authorization: Bearer $(scripts/token {first_expert})" {info["api_url"]}/experts/me',
            ]
    else:
        lines += ["", "No demo data (--no-seed)."]
    lines += ["", "Ctrl-C stops everything."]
    return "\n".join(lines)


# --------------------------------------------------------------------------- child entry points


def serve_chalice(argv: list[str]) -> int:
    """``chalice local`` whose environment variables from the launcher beat the config's.

    ``chalice local`` applies the merged ``environment_variables`` of
    ``.chalice/config.json`` with ``os.environ.update`` just before importing
    ``app``, so a stage value would silently replace the launcher's (for example
    a stale pool id). The launcher lists the names it sets in
    ``PARLEY_LAUNCHER_PINNED``; they are re-applied after the config's.
    """
    from chalice.cli import cli
    from chalice.cli.factory import CLIFactory
    from chalice.cli.filewatch.stat import StatFileWatcher

    from infra.local import gateway_responses

    pinned = {name: os.environ[name] for name in os.environ.get("PARLEY_LAUNCHER_PINNED", "").split(",") if name}
    load_app = CLIFactory.load_chalice_app

    def load_with_pinned_env(self: CLIFactory, environment_variables: Any = None, *rest: Any, **kw: Any) -> Any:
        merged = dict(environment_variables or {})
        overridden = sorted(k for k, v in merged.items() if k in pinned and v != pinned[k])
        if overridden:
            print(f"launcher: keeping its own value of {', '.join(overridden)} over .chalice/config.json", flush=True)
        merged.update(pinned)
        return load_app(self, merged, *rest, **kw)

    CLIFactory.load_chalice_app = load_with_pinned_env  # type: ignore[method-assign]

    # The reloader watches the whole project tree by default, .venv and our own
    # logs included (a restart on every log line). Watch only the app's code.
    def watched_files(self: StatFileWatcher, root_dir: str) -> Any:
        root = Path(root_dir)
        for path in (root / "app.py", root / ".chalice" / "config.json"):
            if path.exists():
                yield str(path)
        yield from (str(p) for p in sorted((root / "chalicelib").rglob("*.py")))

    def seed_cache(self: StatFileWatcher, root_dir: str) -> None:
        for path in watched_files(self, root_dir):
            self._mtime_cache[path] = os.path.getmtime(path)

    StatFileWatcher._recursive_walk_files = watched_files  # type: ignore[method-assign]
    StatFileWatcher._seed_mtime_cache = seed_cache  # type: ignore[method-assign]
    # The reloader restarts its worker by running sys.argv again.
    sys.argv = [sys.executable, "-m", "infra.local.stack", SERVE_CHALICE, *argv]
    gateway_responses.install()  # an unknown path answers as the deployed API's GatewayResponses do
    return int(cli.main(args=["--project-dir", str(REPO), "local", *argv], prog_name="chalice", obj={}) or 0)


def serve_localstripe(argv: list[str]) -> int:
    """localstripe's aiohttp app on 127.0.0.1 only, its store in memory only."""
    parser = argparse.ArgumentParser(prog="localstripe (loopback)")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    import logging

    from aiohttp import web
    from localstripe import resources

    from infra.local.stripe_stand_in import build_app

    resources.Store.dump_to_disk = lambda self: None
    resources.Store.try_load_from_disk = lambda self: None
    access = logging.getLogger("aiohttp.access")
    access.setLevel(logging.INFO)
    access.addHandler(logging.StreamHandler(sys.stdout))
    web.run_app(build_app(), host=LOOPBACK, port=args.port, access_log=access)
    return 0


# --------------------------------------------------------------------------- command line


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m infra.local.stack",
        description="Run Parley locally: moto (AWS), localstripe, chalice local and the WebSocket gateway, "
        "on loopback ports.",
    )
    parser.add_argument("--port-api", type=int, default=0, help="API port (default: a free port)")
    parser.add_argument("--port-moto", type=int, default=0, help="moto server port (default: a free port)")
    parser.add_argument("--port-stripe", type=int, default=0, help="localstripe port (default: a free port)")
    parser.add_argument("--port-ws", type=int, default=0, help="WebSocket gateway port (default: a free port)")
    parser.add_argument("--state-dir", default=".local", help="where stack.json and logs/ go (default: .local)")
    parser.add_argument("--no-seed", dest="seed", action="store_false", help="start without demo data")
    parser.add_argument(
        "--no-reload", dest="reload", action="store_false", help="do not restart the API when app code changes"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds each step may take to start")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [SERVE_CHALICE]:
        return serve_chalice(argv[1:])
    if argv[:1] == [SERVE_LOCALSTRIPE]:
        return serve_localstripe(argv[1:])
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
