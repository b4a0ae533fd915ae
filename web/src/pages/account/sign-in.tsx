// Sign in with email and password; then on to the page that asked for it (?next=) or home.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { app, loadAccount } from "../../app/context";
import { Link, navigate, type Route } from "../../app/router";
import { useAction } from "../../ui/async";
import { Field, Form } from "../../ui/forms";
import { Page } from "../../ui/page";

/** Only a path on this site: never an address elsewhere (an open redirect). */
export function nextPath(route: Route): string {
  const next = route.query.get("next") ?? "/";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function SignInPage({ route }: { route: Route }): JSX.Element {
  const [email, setEmail] = useState(route.query.get("email") ?? "");
  const [password, setPassword] = useState("");
  const action = useAction(async () => {
    await app.auth.signIn(email.trim(), password);
    const account = await loadAccount();
    navigate(account ? nextPath(route) : "/welcome", true);
  });
  const notice = route.query.has("reset")
    ? "Your password is changed: sign in with the new one."
    : route.query.has("confirmed")
      ? "Your email is confirmed: sign in to finish setting up your account."
      : "";
  return (
    <Page title="Sign in">
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <Form action={action} submit="Sign in" label="Sign in" class="narrow">
        <Field label="Email" type="email" autoComplete="username" value={email} onInput={setEmail} required />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onInput={setPassword}
          required
        />
      </Form>
      <p>
        <Link href="/forgot-password">Forgot your password?</Link> · New here? <Link href="/sign-up">Sign up</Link>
      </p>
    </Page>
  );
}
