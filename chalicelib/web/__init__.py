"""HTTP plumbing shared by every REST handler: routing, auth, errors, logs, API docs."""
