"""The web client stays small and strict: its built JavaScript fits the budget, nothing runs inline,
and the local web server sends the strict Content-Security-Policy CloudFront sends."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import requests

from infra.local.stack import free_port
from tests.stack.conftest import REPO

JS_BUDGET_GZIP_BYTES = 20 * 1024
DIST = REPO / "web" / "dist"


def test_the_built_web_client_ships_under_20_kb_of_gzipped_javascript(web_client_built: None) -> None:
    scripts = sorted(DIST.glob("assets/*.js"))
    assert scripts, "web/dist/assets holds no JavaScript"
    total = sum(len(gzip.compress(path.read_bytes(), 9)) for path in scripts)
    assert total < JS_BUDGET_GZIP_BYTES, f"{total} bytes of gzipped JavaScript, over the budget"


def test_the_page_has_no_inline_script_style_or_event_handler(web_client_built: None) -> None:
    page = (DIST / "index.html").read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "an inline <script>"
    assert "<style" not in page
    assert " style=" not in page
    assert not re.search(r"<[^>]+\son[a-z]+=", page), "an inline event handler"


def test_the_web_client_is_served_with_a_strict_csp_naming_only_the_stages_endpoints(
    web_client_built: None, tmp_path: Path
) -> None:
    config = {"stage": "local", "api_url": "http://127.0.0.1:1", "ws_url": "ws://127.0.0.1:2/local",
              "cognito_endpoint": "http://127.0.0.1:3", "web_client_id": "web"}  # fmt: skip
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(config))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "infra.local.web_server", "--port", str(port), "--config", str(config_path)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        assert '"message": "ready"' in server.stdout.readline()
        page = requests.get(f"http://127.0.0.1:{port}/", timeout=10)
        served_config = requests.get(f"http://127.0.0.1:{port}/config.json", timeout=10).json()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert page.status_code == 200
    assert served_config == config
    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["connect-src"].split() == ["'self'", config["api_url"], config["ws_url"], config["cognito_endpoint"]]
