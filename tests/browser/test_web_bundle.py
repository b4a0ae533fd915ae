"""The web client stays small and strict: a first visit's JavaScript fits the budget, nothing runs inline,
and the local web server sends the strict Content-Security-Policy CloudFront sends."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests

from infra.local.stack import free_port
from tests.stack.conftest import REPO

FIRST_VISIT_BUDGET_GZIP_BYTES = 150 * 1024  # docs: the web brief's bundle budget
DIST = REPO / "web" / "dist"
AUDIT_TOOLS = ("axe-core", "lighthouse")  # web/audit: the tests' tools, never the client's


def first_visit_scripts(manifest: dict[str, Any]) -> list[str]:
    """The JavaScript files a first visit to any page loads: the entry chunk and, transitively, its static
    imports (from Vite's manifest). Chunks only reached through ``import()`` load later, on their page."""
    entries = [key for key, chunk in manifest.items() if chunk.get("isEntry")]
    assert entries == ["index.html"], f"the manifest's entry chunks: {entries}"
    files: list[str] = []
    pending = list(entries)
    seen: set[str] = set()
    while pending:
        key = pending.pop()
        if key in seen:
            continue
        seen.add(key)
        files.append(manifest[key]["file"])
        pending.extend(manifest[key].get("imports", []))
    return sorted(files)


def test_a_first_visit_loads_at_most_150_kb_of_gzipped_javascript(web_client_built: None) -> None:
    manifest = json.loads((DIST / ".vite" / "manifest.json").read_text())
    scripts = first_visit_scripts(manifest)
    sizes = {name: len(gzip.compress((DIST / name).read_bytes(), 9)) for name in scripts}
    total = sum(sizes.values())
    print(f"first visit to /: {total / 1024:.1f} KB of gzipped JavaScript in {len(scripts)} file(s): {sizes}")
    assert all(name.endswith(".js") for name in scripts), scripts
    assert total <= FIRST_VISIT_BUDGET_GZIP_BYTES, f"{total} bytes of gzipped first-visit JavaScript: {sizes}"


def test_the_first_visit_loads_exactly_the_scripts_the_page_names(web_client_built: None) -> None:
    """The manifest's account of a first visit is the page's: its module script and modulepreload links."""
    manifest = json.loads((DIST / ".vite" / "manifest.json").read_text())
    page = (DIST / "index.html").read_text()
    named = set(re.findall(r'<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="/([^"]+\.js)"', page))
    assert named == set(first_visit_scripts(manifest))


def test_the_audit_tools_stay_out_of_the_web_clients_bundle(web_client_built: None) -> None:
    package = json.loads((REPO / "web" / "package.json").read_text())
    assert not set(AUDIT_TOOLS) & set(package.get("dependencies", {})), package["dependencies"]
    for path in DIST.rglob("*.js"):
        text = path.read_text().lower()
        for tool in AUDIT_TOOLS:
            assert tool not in text, f"{path.name} holds {tool}"


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
