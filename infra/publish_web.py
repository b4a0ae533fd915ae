"""Publish the web client to a deployed stage: web/dist and the stage's config.json into its bucket.

    scripts/publish-web dev        # after scripts/build-web and the stack parley-dev is deployed

Reads the outputs of the CloudFormation stack ``parley-<stage>`` (the REST and WebSocket
endpoints, the user pool's web client, the web bucket and distribution), writes
``config.json`` from them (``web_config``), uploads ``web/dist`` (hashed assets cached for a
year, ``index.html`` and ``config.json`` never), and invalidates those two at CloudFront.
Safe to run twice: the same files land on the same keys.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
import time
from pathlib import Path

DIST = Path(__file__).resolve().parents[1] / "web" / "dist"
NEVER_CACHED = ("index.html", "config.json")


def web_config(stage: str, region: str, outputs: dict[str, str]) -> dict[str, str]:
    """The web client's config.json for a deployed stage, from the stack's outputs."""
    return {
        "stage": stage,
        "api_url": outputs["EndpointURL"].rstrip("/"),
        "ws_url": outputs["WebsocketConnectEndpointURL"],
        "cognito_endpoint": f"https://cognito-idp.{region}.amazonaws.com/",
        "web_client_id": outputs["UserPoolWebClientId"],
        "stripe_js_url": "https://js.stripe.com/v3/",
        "stripe_publishable_key": outputs["StripePublishableKey"],
    }


def cache_control(name: str) -> str:
    return "no-cache" if name in NEVER_CACHED else "public, max-age=31536000, immutable"


def publish(stage: str) -> None:
    import boto3

    cloudformation = boto3.client("cloudformation")
    stack = cloudformation.describe_stacks(StackName=f"parley-{stage}")["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    region = cloudformation.meta.region_name
    s3, bucket = boto3.client("s3"), outputs["WebBucketName"]
    if not (DIST / "index.html").exists():
        raise SystemExit("web/dist is not built: run scripts/build-web first.")
    files: list[tuple[str, bytes]] = [
        (str(p.relative_to(DIST)), p.read_bytes()) for p in sorted(DIST.rglob("*")) if p.is_file()
    ]
    files.append(("config.json", json.dumps(web_config(stage, region, outputs)).encode()))
    for key, body in sorted(files, key=lambda item: item[0] == "index.html"):  # the page last
        kind = mimetypes.guess_type(key)[0] or "application/octet-stream"
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=kind, CacheControl=cache_control(key))
        print(f"s3://{bucket}/{key}")
    boto3.client("cloudfront").create_invalidation(
        DistributionId=outputs["WebDistributionId"],
        InvalidationBatch={"Paths": {"Quantity": 2, "Items": ["/index.html", "/config.json"]},
                           "CallerReference": f"publish-web-{time.time_ns()}"},
    )  # fmt: skip
    print(f"published: {outputs['WebUrl']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/publish-web")
    parser.add_argument("stage", choices=["dev", "prod"])
    args = parser.parse_args(argv)
    publish(args.stage)
    return 0


if __name__ == "__main__":
    sys.exit(main())
