// Sign-in against the Cognito user pool: USER_PASSWORD_AUTH, over fetch (no SDK).
import type { Config } from "./config";

const KEY = "parley.idToken"; // per tab: two windows can be two people

export class ApiError extends Error {
  constructor(message: string, readonly code: string, readonly status: number) {
    super(message);
  }
}

export async function signIn(config: Config, email: string, password: string): Promise<string> {
  const response = await fetch(config.cognito_endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
    },
    body: JSON.stringify({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: config.web_client_id,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  });
  const body = (await response.json().catch(() => ({}))) as {
    AuthenticationResult?: { IdToken?: string };
    message?: string;
    __type?: string;
  };
  const token = body.AuthenticationResult?.IdToken;
  if (!response.ok || !token) {
    const code = (body.__type ?? "sign_in_failed").split("#").pop() ?? "sign_in_failed";
    throw new ApiError(body.message ?? "Sign-in failed.", code, response.status);
  }
  sessionStorage.setItem(KEY, token);
  return token;
}

export function savedToken(): string | null {
  const token = sessionStorage.getItem(KEY);
  if (!token) return null;
  try {
    const claims = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { exp: number };
    if (claims.exp * 1000 > Date.now() + 60_000) return token;
  } catch {
    /* a damaged token: sign in again */
  }
  signOut();
  return null;
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}
