"""The web client is typed from the API's OpenAPI document, so an API change that breaks it breaks its build.

Each test copies the client's sources and tsconfig.json to a temporary folder, generates the API's
types there from the app's document or from a copy changed the way an API change would change it
(``scripts/web-api-types DOCUMENT TYPES``, as the build does), and runs the client's own tsc on it.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.stack.conftest import REPO

WEB = REPO / "web"


@cache
def _document() -> dict[str, Any]:
    from infra.openapi_dump import document_text

    loaded: dict[str, Any] = json.loads(document_text())
    return loaded


@pytest.fixture
def type_check(web_client_built: None, tmp_path: Path) -> Callable[[dict[str, Any]], subprocess.CompletedProcess[str]]:
    """tsc's verdict on the web client typed from ``document``."""

    def check(document: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        client = tmp_path / "web"
        shutil.copytree(WEB / "src", client / "src", ignore=shutil.ignore_patterns("generated"))
        shutil.copy(WEB / "tsconfig.json", client)
        (client / "node_modules").symlink_to(WEB / "node_modules")  # preact's types, as the build resolves them
        generated = client / "src" / "generated"
        generated.mkdir()
        (generated / "openapi.json").write_text(json.dumps(document))
        types = subprocess.run(
            [str(REPO / "scripts" / "web-api-types"), str(generated / "openapi.json"), str(generated / "api.d.ts")],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert types.returncode == 0, f"openapi-typescript failed:\n{types.stderr[-3000:]}"
        return subprocess.run(
            [str(WEB / "node_modules" / ".bin" / "tsc"), "--noEmit", "-p", str(client / "tsconfig.json")],
            cwd=client, capture_output=True, text=True, check=False,
        )  # fmt: skip

    return check


def _changed(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    document = copy.deepcopy(_document())
    change(document)
    return document


def test_the_web_client_type_checks_against_the_apps_own_document(type_check: Any) -> None:
    done = type_check(_document())
    assert done.returncode == 0, done.stdout + done.stderr


def test_renaming_a_query_parameter_the_client_sends_breaks_the_client_build(type_check: Any) -> None:
    def rename(document: dict[str, Any]) -> None:
        for parameter in document["paths"]["/experts"]["get"]["parameters"]:
            if parameter["name"] == "online":
                parameter["name"] = "online_now"

    done = type_check(_changed(rename))
    assert done.returncode != 0
    assert "src/pages/calls/calls-page.tsx" in done.stdout
    assert "'online' does not exist" in done.stdout, done.stdout


def test_renaming_a_path_the_client_calls_breaks_the_client_build(type_check: Any) -> None:
    def rename(document: dict[str, Any]) -> None:
        paths = document["paths"]
        paths["/sessions/{session_id}/ice"] = paths.pop("/sessions/{session_id}/ice-servers")

    done = type_check(_changed(rename))
    assert done.returncode != 0
    assert '"/sessions/{session_id}/ice-servers"' in done.stdout, done.stdout


def test_renaming_an_answer_field_the_client_reads_breaks_the_client_build(type_check: Any) -> None:
    def rename(document: dict[str, Any]) -> None:
        answer = document["paths"]["/sessions/{session_id}/ice-servers"]["get"]["responses"]["200"]
        schema = document["components"]["schemas"][
            answer["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
        ]
        schema["properties"]["servers"] = schema["properties"].pop("ice_servers")
        schema["required"] = ["servers" if name == "ice_servers" else name for name in schema["required"]]

    done = type_check(_changed(rename))
    assert done.returncode != 0
    assert "src/pages/calls/controller.ts" in done.stdout
    assert "Property 'ice_servers' does not exist" in done.stdout, done.stdout
