"""Lighthouse (web/audit's pinned copy, Debian's Chromium) scores the pages a first-time visitor lands on:
home, search and an expert's profile, each at least 0.90 in performance, accessibility and best practices.

Lighthouse's default settings: a mid-range phone on a slow 4G network, simulated (the stricter of its two
presets, and the visitor the client is built for: 390 px wide). One Lighthouse run at a time, each with a
time limit. The scores go to build/lighthouse-figures.json and the terminal summary, each whole report to
build/lighthouse/<page>.json. Each page is also
opened in a browser, must not be the client's "Page not found", and gets the page audit (axe-core).
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.browser import audit, web
from tests.stack.conftest import REPO, LocalStack, new_person

pytestmark = pytest.mark.stack

LIGHTHOUSE = REPO / "web" / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ("performance", "accessibility", "best-practices")
LEAST_SCORE = 0.90
RUN_TIMEOUT = 240  # seconds for one Lighthouse run (it takes about 20 s on the local stack)
PRESET = "mobile"  # Lighthouse's default form factor and throttling
EXPERT_NAME = "Lena Lighthouse"


@pytest.fixture(scope="module")
def expert_slug(local_stack: LocalStack) -> str:
    """An expert with a public profile, made through the API."""
    run = uuid.uuid4().hex[:8]
    expert = new_person(local_stack, f"lighthouse-expert-{run}@example.com")
    profile = {"slug": f"lighthouse-{run}", "name": EXPERT_NAME, "job_title": "Career coach",
               "description": "Ten years of hiring and being hired.", "categories": ["career"], "languages": ["en"],
               "currency": "USD", "rate_per_minute": 250, "free_minutes": 5}  # fmt: skip
    put = requests.put(f"{local_stack.info['api_url']}/experts/me", json=profile, headers=expert.auth, timeout=30)
    assert put.status_code == 200, put.text
    return str(profile["slug"])


REPORTS = REPO / "build" / "lighthouse"  # each page's whole report, to read when a score falls short
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift",
           "speed-index")  # fmt: skip


def lighthouse(url: str, report: Path) -> dict[str, float]:
    """Lighthouse's category scores for ``url`` (0 to 1); one run at a time across xdist workers."""
    assert LIGHTHOUSE.exists(), f"{LIGHTHOUSE} is missing: scripts/build-web installs web/ with its audit workspace"
    command = [
        "node", str(LIGHTHOUSE), url,
        "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage",
        f"--only-categories={','.join(CATEGORIES)}", "--output=json", f"--output-path={report}", "--quiet",
    ]  # fmt: skip
    environment = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    report.parent.mkdir(parents=True, exist_ok=True)
    lock_path = report.parent / "run.lock"
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = subprocess.run(
            command, env=environment, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
        )
    assert done.returncode == 0, f"lighthouse {url} failed ({done.returncode}):\n{done.stderr[-3000:]}"
    result = json.loads(report.read_text())
    assert not result.get("runtimeError"), result["runtimeError"]
    return {category: result["categories"][category]["score"] for category in CATEGORIES}


def shortfalls(report: Path) -> list[str]:
    """What the report says held the scores down: the metrics and the failed audits, by weight."""
    result = json.loads(report.read_text())
    audits = result["audits"]
    lines = [f"{audits[m]['title']}: {audits[m].get('displayValue')}" for m in METRICS if m in audits]
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            found = audits[ref["id"]]
            if ref["weight"] and found.get("score") is not None and found["score"] < 0.9:
                lines.append(f"{category}: {found['title']} (score {found['score']}, {found.get('displayValue', '')})")
    return lines


def below_least(scores: dict[str, float]) -> dict[str, float]:
    return {category: score for category, score in scores.items() if score is None or score < LEAST_SCORE}


@pytest.mark.parametrize("page", ["home", "search", "expert-profile"])
def test_lighthouse_scores_a_first_visitors_page_at_least_0_90_in_performance_accessibility_and_best_practices(
    page: str, local_stack: LocalStack, browsers: Callable[[], Any], expert_slug: str
) -> None:
    path = {"home": "/", "search": "/search", "expert-profile": f"/e/{expert_slug}"}[page]
    tab = browsers()
    web.open_page(tab, local_stack, path)
    headings = web.wait_for(f"{path} showing its heading", lambda: web.h1_texts(tab), on_fail=lambda: web.state(tab))

    report = REPORTS / f"{page}.json"
    scores = lighthouse(local_stack.info["web_url"].rstrip("/") + path, report)
    shown_path = "/e/<slug>" if page == "expert-profile" else path
    audit.merge_figures(audit.LIGHTHOUSE_FIGURES, f"{shown_path} ({PRESET})", {"h1": headings[0], "scores": scores})

    assert "Page not found" not in headings, f"{path} is not a page of the client yet: {web.state(tab)}"
    if page == "expert-profile":
        web.wait_text(tab, EXPERT_NAME)
    web.record_page(tab, page)
    assert not below_least(scores), f"Lighthouse ({PRESET}) scores {path} below {LEAST_SCORE}: {scores}\n" + "\n".join(
        shortfalls(report)
    )
