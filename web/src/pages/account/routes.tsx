// Account pages: sign-up, confirming the email, welcome, sign-in, passwords, the account, sign-out.
import type { RouteEntry } from "../../app/routes";
import "./account.css";
import { AccountPage, SignOutPage } from "./account-page";
import { ConfirmPage } from "./confirm";
import { ForgotPasswordPage, ResetPasswordPage } from "./passwords";
import { SignInPage } from "./sign-in";
import { SignUpPage } from "./sign-up";
import { WelcomePage } from "./welcome";

export const accountRoutes: RouteEntry[] = [
  { pattern: "/sign-in", audience: "signed-out", nav: { label: "Sign in", order: 90 }, page: (_, route) => <SignInPage route={route} /> },
  { pattern: "/sign-up", audience: "signed-out", nav: { label: "Sign up", order: 91 }, page: () => <SignUpPage /> },
  // "anyone": signing in on the way must not send the person elsewhere before the page finishes
  { pattern: "/confirm", audience: "anyone", page: (_, route) => <ConfirmPage route={route} /> },
  { pattern: "/welcome", audience: "signed-in", page: (_, route) => <WelcomePage route={route} /> },
  { pattern: "/forgot-password", audience: "anyone", page: (_, route) => <ForgotPasswordPage route={route} /> },
  { pattern: "/reset-password", audience: "anyone", page: (_, route) => <ResetPasswordPage route={route} /> },
  { pattern: "/account", audience: "signed-in", nav: { label: "Account", order: 95 }, page: () => <AccountPage /> },
  { pattern: "/sign-out", audience: "signed-in", nav: { label: "Sign out", order: 99 }, page: () => <SignOutPage /> },
];
