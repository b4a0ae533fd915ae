"""Parley's own record of each Cognito user: individual or organisation, and their roles."""
