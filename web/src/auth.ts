// Cognito's user-pool API over fetch (no SDK): sign-up with an emailed code, sign-in, silent
// refresh, forgotten and changed passwords, sign-out. Tokens are kept per tab
// (sessionStorage), so two windows can be two people.
import { ApiError } from "./api";
import type { Config } from "./config";

const KEY = "parley.tokens";
const EARLY_MS = 60_000; // refresh this long before the ID token expires

type Tokens = { id: string; access: string; refresh: string; expiresAt: number };
type Claims = { sub: string; email?: string; exp: number; "cognito:groups"?: string[] };

/** One call of the user-pool API; `withClient` adds the app client id (calls made with an access token take none). */
async function cognito(
  config: Config,
  action: string,
  body: Record<string, unknown>,
  withClient = true,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(config.cognito_endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": `AWSCognitoIdentityProviderService.${action}`,
      },
      body: JSON.stringify(withClient ? { ClientId: config.web_client_id, ...body } : body),
    });
  } catch {
    throw new ApiError("The sign-in service cannot be reached; check your connection.", "network", 0);
  }
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const code = String(answer["__type"] ?? "auth_failed").split("#").pop() ?? "auth_failed";
    throw new ApiError(String(answer["message"] ?? answer["Message"] ?? "The sign-in service refused."), code, response.status);
  }
  return answer;
}

function claimsOf(token: string): Claims {
  return JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as Claims;
}

export class Auth {
  private refreshing: Promise<string | null> | null = null;
  /** Called when the tokens change: signed in, refreshed or signed out. */
  onChange: () => void = () => {};

  constructor(private readonly config: Config) {}

  private saved(): Tokens | null {
    try {
      return JSON.parse(sessionStorage.getItem(KEY) ?? "null") as Tokens | null;
    } catch {
      return null;
    }
  }

  private keep(result: Record<string, unknown>, refresh?: string): void {
    const auth = result["AuthenticationResult"] as Record<string, string | number> | undefined;
    if (!auth?.["IdToken"]) throw new ApiError("The sign-in service answered no token.", "no_token", 502);
    const id = String(auth["IdToken"]);
    const tokens: Tokens = {
      id,
      access: String(auth["AccessToken"]),
      refresh: String(auth["RefreshToken"] ?? refresh ?? ""),
      expiresAt: claimsOf(id).exp * 1000,
    };
    sessionStorage.setItem(KEY, JSON.stringify(tokens));
    this.onChange();
  }

  get signedIn(): boolean {
    return this.saved() !== null;
  }

  /** The signed-in person's id (Cognito's sub), email and groups. */
  get claims(): Claims | null {
    const tokens = this.saved();
    return tokens ? claimsOf(tokens.id) : null;
  }

  /** A current ID token: refreshed first when it is about to expire; null when signed out. */
  async idToken(): Promise<string | null> {
    const tokens = this.saved();
    if (!tokens) return null;
    if (tokens.expiresAt - EARLY_MS > Date.now()) return tokens.id;
    this.refreshing ??= this.refresh(tokens).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /** The ID token as it is now, for the WebSocket's first request (no refresh). */
  currentIdToken(): string | null {
    return this.saved()?.id ?? null;
  }

  private async refresh(tokens: Tokens): Promise<string | null> {
    try {
      const result = await cognito(this.config, "InitiateAuth", {
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: { REFRESH_TOKEN: tokens.refresh },
      });
      this.keep(result, tokens.refresh);
      return this.saved()?.id ?? null;
    } catch (error) {
      if (error instanceof ApiError && error.status === 0) return tokens.id; // offline: try with what we have
      this.forget();
      return null;
    }
  }

  async signIn(email: string, password: string): Promise<void> {
    const result = await cognito(this.config, "InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: email, PASSWORD: password },
    });
    this.keep(result);
  }

  /** Creates the login; Cognito emails a code to confirm the address (locally: scripts/outbox). */
  async signUp(email: string, password: string): Promise<void> {
    await cognito(this.config, "SignUp", {
      Username: email,
      Password: password,
      UserAttributes: [{ Name: "email", Value: email }],
    });
  }

  async confirmSignUp(email: string, code: string): Promise<void> {
    await cognito(this.config, "ConfirmSignUp", { Username: email, ConfirmationCode: code });
  }

  async resendCode(email: string): Promise<void> {
    await cognito(this.config, "ResendConfirmationCode", { Username: email });
  }

  async forgotPassword(email: string): Promise<void> {
    await cognito(this.config, "ForgotPassword", { Username: email });
  }

  async resetPassword(email: string, code: string, password: string): Promise<void> {
    await cognito(this.config, "ConfirmForgotPassword", { Username: email, ConfirmationCode: code, Password: password });
  }

  async changePassword(previous: string, proposed: string): Promise<void> {
    await this.idToken(); // refreshes the access token too when it is about to expire
    const tokens = this.saved();
    if (!tokens) throw new ApiError("Sign in again to change your password.", "signed_out", 401);
    await cognito(this.config, "ChangePassword", {
      AccessToken: tokens.access,
      PreviousPassword: previous,
      ProposedPassword: proposed,
    }, false);
  }

  /** Forgets the tokens here and signs out everywhere, so no refresh token of this person can be used again;
   * with `everywhere` false, only this tab's refresh token is revoked (other devices stay signed in). */
  async signOut(everywhere = true): Promise<void> {
    const tokens = this.saved();
    this.forget();
    if (!tokens) return;
    const done = everywhere
      ? cognito(this.config, "GlobalSignOut", { AccessToken: tokens.access }, false)
      : cognito(this.config, "RevokeToken", { Token: tokens.refresh });
    await done.catch(() => undefined);
  }

  private forget(): void {
    sessionStorage.removeItem(KEY);
    this.onChange();
  }
}
