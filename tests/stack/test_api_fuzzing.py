"""Property-based fuzzing of the running local stack's API (schemathesis), as each kind of caller.

The document is the one the stack serves (``GET /openapi.json``). For each caller kind (anonymous,
a client, an expert, an admin) schemathesis' engine sends requests built from it: the coverage
phase's boundary and mutated values (one value past each limit, each required part left out, a
method the path lacks), then ``MAX_EXAMPLES`` generated requests per operation, valid and invalid.
Every response is checked: no 5xx, the status and content type declared, the body fitting the
declared schema, invalid requests refused (4xx), valid ones not refused as invalid (400).

Deterministic: a fixed seed and derandomized generation, no shrinking, no retries, and nothing
learnt from responses (ids and messages differ per run), so a run sends the same requests every
time. The figures per caller kind are printed and kept in ``build/api-fuzz-figures.json``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
import requests

from tests.stack.conftest import REPO, new_person, responses_unchecked
from tests.stack.test_lead_journey import _admin

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack

CALLER_KINDS = ("anonymous", "client", "expert", "admin")
SEED = 20261202
MAX_EXAMPLES = 5  # generated requests per operation and mode, after the coverage phase's own
TIME_LIMIT_SECONDS = 300  # per caller kind: a guard against a hang (the client's ~4,000 cases outran 150 s on a
# machine busy with other test runs); a run cut short fails: untested operations are not a pass
FIGURES = REPO / "build" / "api-fuzz-figures.json"

# A request the schema calls valid can still be answered with these: they say who may do it or what state the
# object is in, never that the request is malformed. 401 (an anonymous caller on a signed-in route), 402 (a card
# declined), 403 (not an admin), 404 (an id that names nothing, or someone else's object), 409 (a state that does
# not allow it: a slug taken, a call already over), 422 (it fits the document but names what cannot be used: a
# file that is not the caller's, a date already past; chalicelib.errors.Unprocessable), 429 (throttled). 5xx are
# counted by not_a_server_error already, so they are not counted twice here. 400 stays out: it says the request
# is invalid, and a request the document calls valid must not get it.
VALID_BUT_NOT_ALLOWED = ["2xx", "401", "402", "403", "404", "409", "422", "429", "5xx"]
CHECKS = {
    "not_a_server_error": "5xx",
    "status_code_conformance": "schema",
    "content_type_conformance": "schema",
    "response_schema_conformance": "schema",
    "positive_data_acceptance": "refused valid",
    "negative_data_rejection": "accepted invalid",
}

# Findings this branch leaves to others, by (check, operation): each says why it is refused and what fixes it. They
# are counted apart ("awaited") and do not fail a run; any other finding does, and so does an entry here that no
# caller kind meets any more (the fix landed: delete the entry, so a return of the fault is caught).
REFUSED = "positive_data_acceptance"
AWAITED: dict[tuple[str, str], str] = {
    # What no document can describe, refused rightly with 400:
    (REFUSED, "PUT /experts/me/availability"): "400 invalid_time_range / overlapping_ranges: a range that ends "
    "before it starts, or two that overlap; JSON Schema cannot compare two parts of a value",
    (REFUSED, "GET /leads"): "400 currency_required: a budget filter needs a currency, a rule between two parameters",
    (REFUSED, "GET /experts"): "400 currency_required: a price filter or sort needs a currency, a rule between two "
    "parameters",
    (REFUSED, "GET /experts/{expert_id}/slots"): "400 unknown_time_zone: tz is any IANA zone the server's tz "
    "database knows (not a list fixed in the document); and 'to' before 'from', a rule between two parameters",
    # 400 contact_details: an e-mail address, a phone number (seven digits or more, "0000000000" included) or a
    # link in free text, which published questions, answers and articles refuse as profiles do
    # (chalicelib/profiles/contact_details.py); no JSON Schema pattern says "no phone number anywhere".
    (REFUSED, "POST /questions"): "400 contact_details: free text with a phone number, an e-mail or a link",
    (REFUSED, "PATCH /questions/{question_id}"): "400 contact_details: free text with a phone number, an e-mail "
    "or a link",
    (REFUSED, "PATCH /answers/{answer_id}"): "400 contact_details: free text with a phone number, an e-mail or a link",
    (REFUSED, "POST /articles"): "400 contact_details: free text with a phone number, an e-mail or a link",
    (REFUSED, "PATCH /articles/{article_id}"): "400 contact_details: free text with a phone number, an e-mail or a "
    "link",
    (REFUSED, "POST /webhooks/stripe"): "400 invalid_signature: a valid Stripe-Signature is an HMAC of the body "
    "with the stage's secret; the journeys' stack tests send signed events",
}


@dataclass
class FuzzFigures:
    caller: str
    cases: int = 0
    cases_per_phase: dict[str, int] = field(default_factory=dict)
    operations: int = 0
    seconds: float = 0.0
    stop_reason: str = ""
    failures: dict[str, int] = field(default_factory=dict)  # per check, the awaited findings left out
    awaited: dict[str, int] = field(default_factory=dict)  # per "check operation" of AWAITED
    errors: list[str] = field(default_factory=list)  # what kept schemathesis from testing an operation
    examples: list[str] = field(default_factory=list)  # the first failure of each check and operation

    def count(self, kind: str) -> int:
        return sum(n for check, n in self.failures.items() if CHECKS[check] == kind)

    def line(self) -> str:
        return (
            f"{self.caller:>9}: {self.cases} cases over {self.operations} operations in {self.seconds:.0f} s; "
            f"5xx {self.count('5xx')}, schema violations {self.count('schema')}, "
            f"refused valid {self.count('refused valid')}, accepted invalid {self.count('accepted invalid')}"
            f" (and {sum(self.awaited.values())} awaited findings in {len(self.awaited)} operations)"
        )


def owner(path: str, operation: dict[str, Any]) -> str:
    """The caller kind whose run gives an operation the coverage phase: the one it is for."""
    if not operation.get("security"):
        return "anonymous"
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith(("/experts/me", "/sellers/me")):
        return "expert"
    return "client"


def fuzz_config(api_url: str, caller: str, headers: dict[str, str], document: dict[str, Any]) -> dict[str, Any]:
    """schemathesis' configuration (as its ``schemathesis.toml`` would say it) for one caller.

    Every caller kind sends every operation ``MAX_EXAMPLES`` generated requests, valid and invalid; the coverage
    phase (each limit and its neighbour, each part left out, methods the path lacks: some 50 requests an
    operation) runs once per operation, as the caller kind it is for, which keeps the whole run within minutes."""
    not_ours = [
        {"include-name": f"{method.upper()} {path}", "phases": {"coverage": {"enabled": False}}}
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if owner(path, operation) != caller
    ]
    no_learning = {"extra-data-sources": {"responses": False}}
    checks: dict[str, Any] = {"enabled": False} | {name: {"enabled": True} for name in CHECKS}
    checks["positive_data_acceptance"]["expected-statuses"] = VALID_BUT_NOT_ALLOWED
    return {
        "seed": SEED,  # no "max-time": given one, schemathesis keeps fuzzing until it is up (see fuzz)
        "base-url": api_url,
        "headers": headers,
        "workers": 1,  # one at a time: compiling patterns on two threads trips CPython 3.11 (AST recursion mismatch)
        "continue-on-failure": True,  # count every failure, not only each operation's first
        "request-timeout": 30,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "no-shrink": True, "database": "none"},
        "checks": checks,
        "operations": not_ours,
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True, **no_learning, "error-feedback": {"enabled": False}},
            "stateful": {"enabled": False},  # links between operations: the journeys' stack tests cover those
        },
    }


def fuzz(document: dict[str, Any], api_url: str, caller: str, headers: dict[str, str]) -> FuzzFigures:
    import schemathesis
    from schemathesis.engine import events, from_schema

    config = schemathesis.Config.from_dict(fuzz_config(api_url, caller, headers, document))
    schema = schemathesis.openapi.from_dict(document, config=config)
    figures = FuzzFigures(caller)
    phases: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    awaited: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    operations: set[str] = set()
    started = time.monotonic()
    stream = from_schema(schema).execute()
    for event in stream:
        if time.monotonic() - started > TIME_LIMIT_SECONDS and not figures.stop_reason:
            figures.stop_reason = "time_limit"
            stream.stop()
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            operations.add(recorder.label)
            phases[event.phase.value] += len(recorder.cases)
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    if check.status.value != "failure" or check.failure_info is None:
                        continue
                    if (check.name, recorder.label) in AWAITED:
                        awaited[f"{check.name} {recorder.label}"] += 1
                        continue
                    failures[check.name] += 1
                    if (check.name, recorder.label) not in seen:
                        seen.add((check.name, recorder.label))
                        figures.examples.append(
                            _described(check, recorder.label, recorder.find_response(case_id=case_id))
                        )
        elif isinstance(event, events.NonFatalError):
            figures.errors.append(f"{event.label}: {event.value!r}"[:500])
        elif isinstance(event, events.FatalError):
            figures.errors.append(f"fatal: {event.exception!r}"[:500])
        elif isinstance(event, events.EngineFinished) and not figures.stop_reason:
            figures.stop_reason = event.stop_reason.value
    figures.seconds = round(time.monotonic() - started, 1)
    figures.cases = sum(phases.values())
    figures.cases_per_phase = dict(phases)
    figures.operations = len(operations)
    figures.failures = {name: failures[name] for name in CHECKS}
    figures.awaited = dict(sorted(awaited.items()))
    return figures


def _described(check: Any, operation: str, response: Any) -> str:
    failure = check.failure_info.failure
    answer = f"-> {response.status_code} {response.content[:400]!r}" if response is not None else "-> no response"
    return f"[{check.name}] {operation}: {failure.title}\n{failure.message}\n{check.failure_info.code_sample}\n{answer}"


def _expert(stack: LocalStack, run: str) -> dict[str, str]:
    person = new_person(stack, f"fuzz-expert-{run}@example.com")
    profile = {"slug": f"fuzz-expert-{run}", "name": "Fuzz Expert", "categories": ["technology"], "languages": ["en"],
               "currency": "USD", "rate_per_minute": 200}  # fmt: skip
    saved = requests.put(f"{stack.api_url}/experts/me", json=profile, headers=person.auth, timeout=30)
    assert saved.status_code == 200, saved.text
    return person.auth


@pytest.fixture(scope="module")
def callers(local_stack: LocalStack) -> dict[str, dict[str, str]]:
    """The headers each kind of caller sends: none, a signed-up client's, an expert's (with a profile), an admin's."""
    run = uuid.uuid4().hex[:8]
    return {
        "anonymous": {},
        "client": new_person(local_stack, f"fuzz-client-{run}@example.com").auth,
        "expert": _expert(local_stack, run),
        "admin": _admin(local_stack, f"fuzz-{run}").auth,
    }


@pytest.fixture
def unchecked_requests() -> Iterator[None]:
    """schemathesis checks each response against the document itself and counts what breaks it; the stack suite's
    own check (``check_responses_from``) would raise inside schemathesis' transport instead, so it is off here."""
    with responses_unchecked():
        yield


@pytest.fixture(scope="module")
def figures_file() -> Iterator[dict[str, Any]]:
    figures: dict[str, Any] = {"seed": SEED, "max_examples": MAX_EXAMPLES, "callers": {}, "awaited_met": []}
    yield figures
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(json.dumps(figures, indent=2) + "\n")


def test_fuzzing_every_operation_as_every_caller_finds_no_5xx_no_broken_schema_and_no_request_misjudged(
    local_stack: LocalStack,
    callers: dict[str, dict[str, str]],
    unchecked_requests: None,
    figures_file: dict[str, Any],
) -> None:
    """Every caller kind fuzzes every operation; then every awaited finding must still be met by some caller
    (one no caller meets any more was fixed: its entry must go, or its return would pass unnoticed)."""
    document = requests.get(f"{local_stack.api_url}/openapi.json", timeout=30).json()
    operations = sum(len(methods) for methods in document["paths"].values())
    for caller in CALLER_KINDS:
        figures = fuzz(document, local_stack.api_url, caller, callers[caller])
        figures_file["callers"][caller] = {k: v for k, v in asdict(figures).items() if k != "examples"}
        figures_file["awaited_met"].extend(figures.awaited)
        print("api fuzzing", figures.line())
        found = "\n\n".join(figures.examples[:25])
        assert not figures.errors, "schemathesis could not test some operations:\n" + "\n".join(figures.errors[:20])
        assert figures.stop_reason == "completed", f"the run stopped early ({figures.stop_reason}): {figures.line()}"
        assert figures.operations == operations, figures.line()
        assert sum(figures.failures.values()) == 0, f"{figures.line()}\n{figures.failures}\n\n{found}"
    met = set(figures_file["awaited_met"])
    fixed = sorted(f"{check} {operation}" for check, operation in AWAITED if f"{check} {operation}" not in met)
    assert not fixed, "fixed: remove these from AWAITED:\n" + "\n".join(fixed)
