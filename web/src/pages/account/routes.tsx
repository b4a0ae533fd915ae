// Account pages: sign-up, confirming the email, sign-in, passwords, sign-out.
import type { RouteEntry } from "../../app/routes";
import { SignInPage } from "./sign-in";

export const accountRoutes: RouteEntry[] = [
  { pattern: "/sign-in", audience: "signed-out", nav: { label: "Sign in", order: 90 }, page: (_, route) => <SignInPage route={route} /> },
];
