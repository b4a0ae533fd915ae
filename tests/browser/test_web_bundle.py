"""The web client stays small and strict: its built JavaScript fits the budget, nothing runs inline,
and the local web server sends the strict Content-Security-Policy CloudFront sends."""

from __future__ import annotations

import gzip
import re
from typing import TYPE_CHECKING

import pytest
import requests

from tests.stack.conftest import REPO

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack

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


@pytest.mark.stack
def test_the_web_client_is_served_with_a_strict_csp_naming_only_the_stages_endpoints(
    local_stack: LocalStack, web_client_built: None
) -> None:
    page = requests.get(local_stack.info["web_url"], timeout=10)
    assert page.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    config = requests.get(local_stack.info["web_url"] + "config.json", timeout=10).json()
    assert policy["connect-src"].split() == ["'self'", config["api_url"], config["ws_url"], config["cognito_endpoint"]]
