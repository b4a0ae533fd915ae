"""A stage's secrets: from SSM Parameter Store in AWS, from the environment only on the local stack."""

from __future__ import annotations

import os


def _from_ssm(name: str) -> str:
    import boto3

    value = boto3.client("ssm").get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    return str(value)


def stage_secret(parameter_variable: str, local_variable: str) -> str:
    """The secret in the SSM parameter that ``parameter_variable`` names (``local_variable`` itself locally)."""
    parameter = os.environ.get(parameter_variable)
    if parameter:
        return _from_ssm(parameter)
    if os.environ.get("PARLEY_STAGE", "local") == "local" and os.environ.get(local_variable):
        return os.environ[local_variable]
    raise RuntimeError(
        f"set {parameter_variable} to the SSM parameter holding it ({local_variable} on the local stack)"
    )
