// Sign up: email, password (its rules shown), client or expert, the account's details. Cognito
// emails a code; /confirm takes it, signs in and registers the account with these details.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { app } from "../../app/context";
import { Link, navigate } from "../../app/router";
import { useAction } from "../../ui/async";
import { Field, Form } from "../../ui/forms";
import { Page } from "../../ui/page";
import { checkDetails, DetailsFields, SideChoice, type Details } from "./account-fields";
import { keepChoice, PASSWORD_RULES, type Side } from "./signup-state";

export function SignUpPage(): JSX.Element {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [side, setSide] = useState<Side>("client");
  const [details, setDetails] = useState<Details>({ kind: "individual", display_name: "", organisation_name: null });
  const action = useAction(async () => {
    checkDetails(details);
    const address = email.trim();
    await app.auth.signUp(address, password);
    keepChoice({ email: address, side, ...details }, password);
    navigate(`/confirm?email=${encodeURIComponent(address)}`);
  });
  return (
    <Page title="Sign up">
      <Form action={action} submit="Sign up" label="Sign up" class="narrow">
        <Field label="Email" type="email" autoComplete="username" value={email} onInput={setEmail} required />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          hint={PASSWORD_RULES}
          value={password}
          onInput={setPassword}
          required
        />
        <SideChoice value={side} onChange={setSide} />
        <DetailsFields details={details} onChange={setDetails} action={action} />
      </Form>
      <p>
        Have an account already? <Link href="/sign-in">Sign in</Link>
      </p>
    </Page>
  );
}
