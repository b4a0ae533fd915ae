// What the sign-up form chose, kept until the account is registered after the email is confirmed.
// The password stays in memory only (this page's JavaScript), never in storage: after a reload the
// person signs in by hand and finishes on /welcome with what was kept here.
import type { Schemas } from "../../api";

export type Side = "client" | "expert";
export type Choice = { email: string; side: Side } & Schemas["AccountInput"];

const KEY = "parley.sign-up";
let password: { email: string; password: string } | null = null;

export const PASSWORD_RULES = "At least 10 characters, with an upper-case and a lower-case letter, a number and a symbol.";

export function keepChoice(choice: Choice, chosenPassword: string): void {
  sessionStorage.setItem(KEY, JSON.stringify(choice));
  password = { email: choice.email, password: chosenPassword };
}

/** The choice made for `email` (any email when none is given), or null. */
export function keptChoice(email?: string): Choice | null {
  try {
    const choice = JSON.parse(sessionStorage.getItem(KEY) ?? "null") as Choice | null;
    if (!choice || (email && choice.email.toLowerCase() !== email.toLowerCase())) return null;
    return choice;
  } catch {
    return null;
  }
}

/** The password chosen on this page for `email`, while the page has not been reloaded. */
export function keptPassword(email: string): string | null {
  return password && password.email.toLowerCase() === email.toLowerCase() ? password.password : null;
}

export function forgetChoice(): void {
  sessionStorage.removeItem(KEY);
  password = null;
}

/** The account's details as POST and PUT /accounts/me take them. */
export function accountInput(choice: Pick<Choice, "kind" | "display_name" | "organisation_name">): Schemas["AccountInput"] {
  return {
    kind: choice.kind,
    display_name: choice.display_name.trim(),
    organisation_name: choice.kind === "organisation" ? (choice.organisation_name ?? "").trim() : null,
  };
}
