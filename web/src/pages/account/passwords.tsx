// A forgotten password: Cognito emails a code (/forgot-password), which sets a new password
// (/reset-password); then the person signs in with it.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { app } from "../../app/context";
import { Link, navigate, type Route } from "../../app/router";
import { useAction } from "../../ui/async";
import { ActionButton, Field, Form } from "../../ui/forms";
import { Page } from "../../ui/page";
import { PASSWORD_RULES } from "./signup-state";

export function ForgotPasswordPage({ route }: { route: Route }): JSX.Element {
  const [email, setEmail] = useState(route.query.get("email") ?? "");
  const action = useAction(async () => {
    const address = email.trim();
    await app.auth.forgotPassword(address);
    navigate(`/reset-password?email=${encodeURIComponent(address)}`);
  });
  return (
    <Page title="Forgot your password?">
      <p>Enter the email you signed up with: we will email you a code to choose a new password.</p>
      <Form action={action} submit="Email me a code" label="Forgot your password" class="narrow">
        <Field label="Email" type="email" autoComplete="username" value={email} onInput={setEmail} required />
      </Form>
      <p>
        Remembered it? <Link href="/sign-in">Sign in</Link>
      </p>
    </Page>
  );
}

export function ResetPasswordPage({ route }: { route: Route }): JSX.Element {
  const [email, setEmail] = useState(route.query.get("email") ?? "");
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [sent, setSent] = useState("");
  const address = email.trim();
  const reset = useAction(async () => {
    await app.auth.resetPassword(address, code.trim(), password);
    navigate(`/sign-in?email=${encodeURIComponent(address)}&reset=1`, true);
  });
  const again = useAction(async () => {
    setSent("");
    await app.auth.forgotPassword(address);
    setSent(`We sent a new code to ${address}.`);
  });
  return (
    <Page title="Choose a new password">
      <p>We emailed a 6-digit code to {address || "your address"}. Enter it with the new password.</p>
      <Form action={reset} submit="Change my password" label="Choose a new password" class="narrow">
        <Field label="Email" type="email" autoComplete="username" value={email} onInput={setEmail} required />
        <Field
          label="Code from the email"
          value={code}
          onInput={setCode}
          inputMode="numeric"
          autoComplete="one-time-code"
          required
        />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          hint={PASSWORD_RULES}
          value={password}
          onInput={setPassword}
          required
        />
      </Form>
      <h2>No email?</h2>
      <ActionButton action={again}>Send a new code</ActionButton>
      <p role="status" class={sent ? "notice" : undefined}>
        {sent}
      </p>
    </Page>
  );
}
