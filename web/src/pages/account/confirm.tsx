// Confirm the email address with the code Cognito emailed (or a new one), then sign in with the
// password just chosen, register the account and welcome the person. After a reload the password
// is gone: the person signs in and finishes on /welcome.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { app } from "../../app/context";
import { navigate, type Route } from "../../app/router";
import { useAction } from "../../ui/async";
import { ActionButton, Field, Form } from "../../ui/forms";
import { Page } from "../../ui/page";
import { register } from "./account-fields";
import { forgetChoice, keptChoice, keptPassword } from "./signup-state";

export function ConfirmPage({ route }: { route: Route }): JSX.Element {
  const given = route.query.get("email") ?? "";
  const [email, setEmail] = useState(given);
  const [code, setCode] = useState("");
  const [sent, setSent] = useState("");
  const address = email.trim();
  const confirm = useAction(async () => {
    await app.auth.confirmSignUp(address, code.trim());
    const password = keptPassword(address);
    const choice = keptChoice(address);
    if (!password || !choice) {
      navigate(`/sign-in?email=${encodeURIComponent(address)}&confirmed=1&next=${encodeURIComponent("/welcome")}`, true);
      return;
    }
    await app.auth.signIn(address, password);
    await register(choice);
    forgetChoice();
    navigate(`/welcome?as=${choice.side}`, true);
  });
  const resend = useAction(async () => {
    setSent("");
    await app.auth.resendCode(address);
    setSent(`We sent a new code to ${address}.`);
  });
  return (
    <Page title="Confirm your email">
      <p>
        {given
          ? `We emailed a 6-digit code to ${given}. Enter it here to confirm the address.`
          : "Enter your email and the 6-digit code we emailed to it."}
      </p>
      <Form action={confirm} submit="Confirm" label="Confirm your email" class="narrow">
        {!given && <Field label="Email" type="email" autoComplete="username" value={email} onInput={setEmail} required />}
        <Field
          label="Confirmation code"
          value={code}
          onInput={setCode}
          inputMode="numeric"
          autoComplete="one-time-code"
          required
        />
      </Form>
      <h2>No email?</h2>
      <p>It can take a minute to arrive; look in your spam folder too. Or have another code sent:</p>
      <ActionButton action={resend}>Resend code</ActionButton>
      <p role="status" class={sent ? "notice" : undefined}>
        {sent}
      </p>
    </Page>
  );
}
