"""The local stand-in for S3 + CloudFront in front of the web client: ``web/dist`` and the stage's config.

    python -m infra.local.web_server --port N --config <state-dir>/web-config.json [--dist web/dist]

Serves the built files (``scripts/build-web``) and ``/config.json`` (the file the stack writes)
with the same strict Content-Security-Policy as the CloudFront distribution, whose
``connect-src`` names exactly the API, the WebSocket API and the Cognito endpoint of the stage.
Any path without a file extension is a page of the client and answers ``index.html``, as the
CloudFront function ``WebPagePaths`` does. Until the client is built, every page answers 503
saying how to build it.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
READY = '"message": "ready"'


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(config: dict[str, Any]) -> str:
    """The policy for the web client: nothing inline, nothing from elsewhere but the stage's endpoints.

    Stripe.js (and its 3-D Secure frame) comes from the Stripe origin; photos, intro videos and
    uploads (presigned POSTs) go to and come from the media bucket."""
    stripe = " ".join(sorted({_origin(config[k]) for k in ("stripe_js_url", "stripe_api_url") if k in config}))
    media = _origin(config["media_url"]) if "media_url" in config else ""
    connect = " ".join(
        filter(None, ["'self'", config["api_url"], config["ws_url"], config["cognito_endpoint"], stripe, media])
    )
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' {stripe}".strip(),
            "style-src 'self'",
            f"img-src 'self' data: blob: {media}".strip(),
            f"media-src 'self' blob: mediastream: {media}".strip(),
            f"frame-src {stripe}" if stripe else "frame-src 'none'",
            f"connect-src {connect}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def make_handler(dist: Path, config_path: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            config = json.loads(config_path.read_text())
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path == "/config.json":
                return self._send(200, json.dumps(config).encode(), "application/json", config)
            target = (dist / path.lstrip("/")).resolve()
            if path.endswith("/"):
                target = target / "index.html"
            if not (dist / "index.html").exists():
                message = b"The web client is not built: run scripts/build-web (npm ci && npm run build in web/).\n"
                return self._send(503, message, "text/plain; charset=utf-8", config)
            if "." not in path.rsplit("/", 1)[-1]:  # a page of the client (/e/<slug>): as CloudFront's function
                target = (dist / "index.html").resolve()
            if not target.is_relative_to(dist.resolve()) or not target.is_file():
                return self._send(404, b"Not found\n", "text/plain; charset=utf-8", config)
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            return self._send(200, target.read_bytes(), kind, config)

        def _send(self, status: int, body: bytes, kind: str, config: dict[str, Any]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", content_security_policy(config))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            print(json.dumps({"message": "request", "line": format % args}), flush=True)

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local.web_server")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--dist", type=Path, default=REPO / "web" / "dist")
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.dist, args.config))
    print(json.dumps({"message": "ready", "port": args.port}), flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
