"""Parley's Chalice app: wiring only. Each topic's routes live in chalicelib/handlers/."""

from __future__ import annotations

import os

from chalice.app import Chalice

from chalicelib.handlers import accounts, discovery, expert_profiles, meta, uploads

app = Chalice(app_name="parley")
app.experimental_feature_flags.update({"BLUEPRINTS"})

if os.environ.get("PARLEY_TRACING") == "on":
    # Only stages with tracing on pay the X-Ray SDK's import (about 0.2 s of cold start).
    from aws_xray_sdk.core import patch

    patch(["botocore"])

app.register_blueprint(meta.api.blueprint)
app.register_blueprint(accounts.api.blueprint)
app.register_blueprint(expert_profiles.api.blueprint)
app.register_blueprint(discovery.api.blueprint)
app.register_blueprint(uploads.api.blueprint)
