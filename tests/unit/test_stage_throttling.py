"""API Gateway throttles each deployed stage (REST and WebSocket) at the rates infra/resources.json maps to it.

``chalice local`` cannot throttle, so the template is what is checked: the merge ``chalice package`` makes of
``infra/resources.json`` into its own template (``infra/build_template.py`` then runs cfn-lint on the result).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from chalice.package import TemplateDeepMerger

from infra.build_template import merge_template_for, stage_environment

PROJECT_DIR = Path(__file__).resolve().parents[2]
CONFIG = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())
DEPLOYED = [name for name, stage in CONFIG["stages"].items() if "iam_policy_file" in stage]
# What chalice package writes for the two APIs (the parts the merge meets).
CHALICE_TEMPLATE: dict[str, Any] = {
    "Resources": {
        "RestAPI": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "api", "DefinitionBody": {}}},
        "WebsocketAPIStage": {
            "Type": "AWS::ApiGatewayV2::Stage",
            "Properties": {"ApiId": {"Ref": "WebsocketAPI"}, "StageName": "api"},
        },
    }
}


def resolved(value: Any, template: dict[str, Any], stage: str) -> Any:
    """A ``Fn::FindInMap`` on ``Ref: Stage`` as CloudFormation resolves it for ``stage``."""
    mapping, key, name = value["Fn::FindInMap"]
    assert key == {"Ref": "Stage"}
    return template["Mappings"][mapping][stage][name]


@pytest.fixture(params=DEPLOYED)
def merged(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    stage = request.param
    template = merge_template_for(stage, stage_environment(CONFIG, stage))
    return stage, TemplateDeepMerger().merge(template, json.loads(json.dumps(CHALICE_TEMPLATE)))


def test_every_method_of_the_rest_api_is_throttled_at_the_stages_rate_and_burst(
    merged: tuple[str, dict[str, Any]],
) -> None:
    stage, template = merged
    api = template["Resources"]["RestAPI"]["Properties"]
    (setting,) = api["MethodSettings"]

    assert (setting["ResourcePath"], setting["HttpMethod"]) == ("/*", "*")
    rate = resolved(setting["ThrottlingRateLimit"], template, stage)
    burst = resolved(setting["ThrottlingBurstLimit"], template, stage)
    assert 0 < rate <= burst <= 5000  # within the account's default burst
    assert (api["StageName"], api["DefinitionBody"]) == ("api", {})  # chalice's own properties kept


def test_the_websocket_stage_is_throttled_at_the_same_rates(merged: tuple[str, dict[str, Any]]) -> None:
    stage, template = merged
    stage_properties = template["Resources"]["WebsocketAPIStage"]["Properties"]
    rest = template["Resources"]["RestAPI"]["Properties"]["MethodSettings"][0]

    for name in ("ThrottlingRateLimit", "ThrottlingBurstLimit"):
        assert resolved(stage_properties["DefaultRouteSettings"][name], template, stage) == resolved(
            rest[name], template, stage
        )
    assert stage_properties["ApiId"] == {"Ref": "WebsocketAPI"}


def test_prod_is_throttled_above_dev() -> None:
    template = merge_template_for("prod", stage_environment(CONFIG, "prod"))
    rates = template["Mappings"]["StageThrottling"]

    assert set(rates) == set(DEPLOYED)
    assert rates["prod"]["RequestsPerSecond"] > rates["dev"]["RequestsPerSecond"]
