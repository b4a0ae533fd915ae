"""The page audit (tests/browser/audit.py) finds what it is there to find: on the client's own page, under
its Content-Security-Policy, axe-core reports an unlabelled field as a blocking violation naming the field,
and a page wider than a phone fails naming the widest element. (The pages are changed only in the browser.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser import audit, web
from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack

_ADD = """
const element = document.createElement(arguments[0]);
element.id = arguments[1];
document.querySelector("main").appendChild(element);
"""


def test_axe_reports_an_unlabelled_field_on_the_clients_page_as_a_critical_violation_naming_it(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    tab = browsers()
    web.open_page(tab, local_stack, "/no/such/page")
    web.wait_heading(tab, "Page not found")
    assert not [v for v in audit.axe_violations(tab) if v["impact"] in audit.BLOCKING]
    tab.execute_script(_ADD, "input", "unlabelled-field")
    violations = audit.axe_violations(tab)
    label = [v for v in violations if v["id"] == "label"]
    assert label, audit.describe(violations)
    assert label[0]["impact"] == "critical"
    assert [node["target"] for node in label[0]["nodes"]] == [["#unlabelled-field"]]
    assert "label" in audit.describe(label)


def test_a_page_wider_than_a_phone_fails_the_audit_naming_the_widest_element(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    tab = browsers()
    web.open_page(tab, local_stack, "/no/such/page")
    web.wait_heading(tab, "Page not found")
    tab.set_window_size(*web.PHONE)
    audit.check_no_sideways_scroll(tab, "not-found")
    tab.execute_script(_ADD, "div", "too-wide")
    tab.execute_script(  # through the CSSOM, which the CSP allows
        "const style = document.getElementById('too-wide').style; style.width = '2000px'; style.height = '1px';"
    )
    with pytest.raises(AssertionError, match=r"scrolls sideways at phone width.*div#too-wide"):
        audit.check_no_sideways_scroll(tab, "not-found")
