"""Who is calling: Cognito token verification and the caller it yields."""
