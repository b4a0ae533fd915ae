"""The template serves the web client from a private bucket through CloudFront with a strict CSP,
and a deployed stage's config.json names its own endpoints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from infra.publish_web import cache_control, web_config

RESOURCES = json.loads((Path(__file__).resolve().parents[2] / "infra" / "resources.json").read_text())["Resources"]


def _policy() -> dict[str, str]:
    config: dict[str, Any] = RESOURCES["WebSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    csp = config["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    return dict(part.strip().split(" ", 1) for part in csp.split(";"))


def test_the_web_bucket_is_private_and_read_only_by_its_cloudfront_distribution() -> None:
    block = RESOURCES["WebBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert all(block.values())
    [statement] = RESOURCES["WebBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert statement["Action"] == "s3:GetObject"
    assert "${WebDistribution}" in statement["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    behaviour = RESOURCES["WebDistribution"]["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "WebSecurityHeaders"}


def test_the_csp_allows_no_inline_code_and_connects_only_to_cognito_the_apis_stripe_and_the_media_bucket() -> None:
    policy = _policy()
    media = "https://parley-${Stage}-media-${AWS::AccountId}.s3.${AWS::Region}.${AWS::URLSuffix}"
    assert (policy["default-src"], policy["style-src"]) == ("'none'", "'self'")
    assert policy["script-src"].split() == ["'self'", "https://js.stripe.com"]
    assert "unsafe" not in " ".join(policy.values())
    assert policy["connect-src"].split() == [
        "'self'",
        "https://cognito-idp.${AWS::Region}.${AWS::URLSuffix}",
        "https://*.execute-api.${AWS::Region}.${AWS::URLSuffix}",
        "wss://*.execute-api.${AWS::Region}.${AWS::URLSuffix}",
        "https://api.stripe.com",
        media,
    ]
    assert policy["frame-src"].split() == ["https://js.stripe.com", "https://hooks.stripe.com"]
    assert media in policy["img-src"].split()
    assert media in policy["media-src"].split()
    assert policy["frame-ancestors"] == "'none'"


def test_a_page_path_without_a_file_extension_is_served_index_html_by_the_distribution() -> None:
    resources = RESOURCES
    code = resources["WebPagePaths"]["Properties"]["FunctionCode"]
    behaviour = resources["WebDistribution"]["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert behaviour["FunctionAssociations"] == [
        {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": ["WebPagePaths", "FunctionMetadata.FunctionARN"]}}
    ]
    assert "'/index.html'" in code
    assert "indexOf('.')" in code


def test_a_deployed_stages_config_names_its_endpoints_and_is_never_cached() -> None:
    outputs = {"EndpointURL": "https://abc.execute-api.eu-west-1.amazonaws.com/api/",
               "WebsocketConnectEndpointURL": "wss://def.execute-api.eu-west-1.amazonaws.com/api/",
               "UserPoolWebClientId": "web-client", "StripePublishableKey": "pk_live_abc"}  # fmt: skip
    assert web_config("dev", "eu-west-1", outputs) == {
        "stage": "dev",
        "api_url": "https://abc.execute-api.eu-west-1.amazonaws.com/api",
        "ws_url": "wss://def.execute-api.eu-west-1.amazonaws.com/api/",
        "cognito_endpoint": "https://cognito-idp.eu-west-1.amazonaws.com/",
        "web_client_id": "web-client",
        "stripe_js_url": "https://js.stripe.com/v3/",
        "stripe_publishable_key": "pk_live_abc",
    }
    assert cache_control("config.json") == cache_control("index.html") == "no-cache"
    assert "immutable" in cache_control("assets/index-abc123.js")
