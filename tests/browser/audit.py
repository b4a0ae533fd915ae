"""The checks every page a journey visits must pass, run by ``web.record_page`` at desktop and phone width.

- axe-core (web/audit's pinned copy, injected into the page as it is): no serious or critical violation.
  The third-party card element (``[data-stripe-element]``: Stripe's iframe and inputs) is left out.
  Every page's counts by impact go to build/axe-figures.json, merged across xdist workers.
- At phone width the page does not scroll sideways.

The terminal summary (tests/browser/conftest.py) prints the axe figures and Lighthouse's scores
(build/lighthouse-figures.json, written by test_lighthouse.py).
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.stack.conftest import REPO

AXE_SOURCE = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"
AXE_FIGURES = REPO / "build" / "axe-figures.json"
LIGHTHOUSE_FIGURES = REPO / "build" / "lighthouse-figures.json"
EXCLUDED = ["[data-stripe-element]"]  # Stripe's card iframe and inputs: not ours to fix
IMPACTS = ("minor", "moderate", "serious", "critical")
BLOCKING = ("serious", "critical")

_RUN_AXE = """
const done = arguments[arguments.length - 1];
window.axe
  .run({exclude: arguments[0].map((selector) => [selector])}, {resultTypes: ["violations"]})
  .then((results) => done({violations: results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary})),
  }))}))
  .catch((error) => done({error: String(error && error.stack || error)}));
"""

_WIDEST = """
const limit = document.scrollingElement.clientWidth;
const path = (e) => {
  const parts = [];
  for (let node = e; node && node.nodeType === 1 && parts.length < 6; node = node.parentElement) {
    let part = node.tagName.toLowerCase();
    if (node.id) { parts.unshift(part + "#" + node.id); break; }
    if (node.classList.length) part += "." + Array.from(node.classList).join(".");
    const siblings = node.parentElement ? Array.from(node.parentElement.children) : [];
    const same = siblings.filter((c) => c.tagName === node.tagName);
    if (same.length > 1) part += ":nth-of-type(" + (same.indexOf(node) + 1) + ")";
    parts.unshift(part);
  }
  return parts.join(" > ");
};
let widest = null;
for (const e of document.body.querySelectorAll("*")) {
  const box = e.getBoundingClientRect();  // an empty box makes no scrolling
  const right = box.right + window.scrollX;
  if (box.width && box.height && right > limit + 1 && (!widest || right > widest.right)) {
    widest = {right, selector: path(e)};
  }
}
return {scrollWidth: document.scrollingElement.scrollWidth, clientWidth: limit, widest};
"""


def check_page(driver: Any, name: str, width: str) -> None:
    """Checks the page as it is now at ``width`` ("desktop" or "phone")."""
    violations = axe_violations(driver)
    counts = {impact: sum(1 for v in violations if v["impact"] == impact) for impact in IMPACTS}
    record_axe(name, width, counts)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    if blocking:
        pytest.fail(f"axe: {name} at {width} width ({driver.current_url}):\n" + describe(blocking), pytrace=False)
    if width == "phone":
        check_no_sideways_scroll(driver, name)


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page now (injected once per document)."""
    if not AXE_SOURCE.exists():
        pytest.fail(f"{AXE_SOURCE} is missing: scripts/build-web installs web/ (npm ci) with its audit workspace")
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(AXE_SOURCE.read_text())
    result = driver.execute_async_script(_RUN_AXE, EXCLUDED)
    assert "error" not in result, f"axe did not run on {driver.current_url}: {result['error']}"
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"]:
            lines.append(f"    at {' >> '.join(node['target'])}: {(node['summary'] or '').replace(chr(10), ' ')}")
    return "\n".join(lines)


def check_no_sideways_scroll(driver: Any, name: str) -> None:
    found = driver.execute_script(_WIDEST)
    assert found["scrollWidth"] <= found["clientWidth"] + 1, (
        f"{name} scrolls sideways at phone width: {found['scrollWidth']} px of content in {found['clientWidth']} px; "
        f"widest element: {found['widest']}"
    )


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock beside ``path``, held by one xdist worker at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_suffix(".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def merge_figures(path: Path, key: str, value: Any) -> None:
    """Sets ``key`` in the JSON object at ``path`` (read, change, write under the lock)."""
    with _locked(path):
        figures = json.loads(path.read_text()) if path.exists() else {}
        figures[key] = value
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
        temporary.replace(path)


def record_axe(name: str, width: str, counts: dict[str, int]) -> None:
    merge_figures(AXE_FIGURES, f"{name} ({width})", counts)


def reset_figures() -> None:
    """At the start of a run (the controller, before any worker measures): last run's figures go."""
    for path in (AXE_FIGURES, LIGHTHOUSE_FIGURES):
        path.unlink(missing_ok=True)


def summary_lines() -> list[str]:
    """The audit's figures for the terminal summary: the axe counts per page and Lighthouse's scores."""
    lines: list[str] = []
    if AXE_FIGURES.exists():
        figures: dict[str, dict[str, int]] = json.loads(AXE_FIGURES.read_text())
        pages = {key.rsplit(" (", 1)[0] for key in figures}
        blocking = sum(counts[impact] for counts in figures.values() for impact in BLOCKING)
        lines.append(f"axe: {len(pages)} pages checked, serious/critical {blocking}")
        for key, counts in sorted(figures.items()):
            lines.append(f"  {key}: " + ", ".join(f"{impact} {counts[impact]}" for impact in IMPACTS))
    if LIGHTHOUSE_FIGURES.exists():
        runs: dict[str, dict[str, Any]] = json.loads(LIGHTHOUSE_FIGURES.read_text())
        for page, run in sorted(runs.items()):
            shown = ", ".join(
                f"{category} {'none' if score is None else f'{score:.2f}'}"
                for category, score in sorted(run["scores"].items())
            )
            lines.append(f"lighthouse {page}: {shown} (its h1: {run['h1']!r})")
    return lines
