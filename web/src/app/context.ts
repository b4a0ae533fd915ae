// What every page uses: the stage's config, the signed-in person (Auth), the typed API and
// the account, loaded once after sign-in. Set up by main.tsx before the first render.
import { useEffect, useState } from "preact/hooks";
import { Api, ApiError, type Answer } from "../api";
import { Auth } from "../auth";
import type { Config } from "../config";

export type Account = Answer<"/accounts/me">;

export const app = {} as { config: Config; auth: Auth; api: Api };

let account: Account | null = null;
const watchers = new Set<() => void>();

export function setUp(config: Config): void {
  app.config = config;
  app.auth = new Auth(config);
  app.api = new Api(config.api_url, () => app.auth.idToken());
  app.auth.onChange = () => {
    if (!app.auth.signedIn) setAccount(null);
  };
}

export function setAccount(next: Account | null): void {
  account = next;
  for (const watcher of watchers) watcher();
}

/** The account as GET /accounts/me answers it; null before sign-in or before registering (404). */
export async function loadAccount(): Promise<Account | null> {
  if (!app.auth.signedIn) return null;
  const found = await app.api.get("/accounts/me").catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  });
  setAccount(found);
  return found;
}

/** The signed-in account (re-renders when it changes). */
export function useAccount(): Account | null {
  const [, tick] = useState(0);
  useEffect(() => {
    const watcher = () => tick((n) => n + 1);
    watchers.add(watcher);
    return () => void watchers.delete(watcher);
  }, []);
  return account;
}

export function isExpert(who: Account | null): boolean {
  return Boolean(who?.roles.includes("expert"));
}
