// The signed-in person's account: its details (GET /accounts/me) and changing them (PUT), the
// password, and signing out on every device.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { idempotencyKey } from "../../api";
import { app, setAccount, type Account } from "../../app/context";
import { navigate } from "../../app/router";
import { day } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { ActionButton, Field, Form } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { checkDetails, DetailsFields, type Details } from "./account-fields";
import { accountInput, PASSWORD_RULES } from "./signup-state";

const ROLE_NAMES: Record<Account["roles"][number], string> = { admin: "Operator", client: "Client", expert: "Expert" };

export function AccountPage(): JSX.Element {
  const loaded = useLoad(() => app.api.get("/accounts/me"), []);
  return (
    <Page title="Your account">
      <Await loaded={loaded} what="your account">
        {(account) => <AccountSections account={account} />}
      </Await>
    </Page>
  );
}

function AccountSections({ account: first }: { account: Account }): JSX.Element {
  const [account, setShown] = useState(first);
  return (
    <>
      <h2>Your details</h2>
      <dl class="facts account-facts">
        <dt>Email</dt>
        <dd>{account.email}</dd>
        <dt>Account type</dt>
        <dd>{account.kind === "organisation" ? "Organisation" : "Individual"}</dd>
        <dt>Display name</dt>
        <dd>{account.display_name}</dd>
        {account.organisation_name && (
          <>
            <dt>Organisation</dt>
            <dd>{account.organisation_name}</dd>
          </>
        )}
        <dt>Roles</dt>
        <dd>{account.roles.map((role) => ROLE_NAMES[role]).join(", ")}</dd>
        <dt>Member since</dt>
        <dd>{day(account.created_at)}</dd>
      </dl>
      <ChangeDetails
        account={account}
        onSaved={(saved) => {
          setShown(saved);
          setAccount(saved);
        }}
      />
      <ChangePassword />
      <SignOutEverywhere />
    </>
  );
}

function ChangeDetails({ account, onSaved }: { account: Account; onSaved: (account: Account) => void }): JSX.Element {
  const [details, setDetails] = useState<Details>({
    kind: account.kind,
    display_name: account.display_name,
    organisation_name: account.organisation_name,
  });
  const [saved, setSaved] = useState("");
  const action = useAction(async () => {
    setSaved("");
    checkDetails(details);
    onSaved(await app.api.put("/accounts/me", { body: accountInput(details), key: idempotencyKey() }));
    setSaved("Your details are saved.");
  });
  return (
    <section aria-labelledby="change-details">
      <h2 id="change-details">Change your details</h2>
      <Form action={action} submit="Save details" label="Change your details" class="narrow">
        <DetailsFields details={details} onChange={setDetails} action={action} />
      </Form>
      <p role="status" class={saved ? "notice" : undefined}>
        {saved}
      </p>
    </section>
  );
}

function ChangePassword(): JSX.Element {
  const [current, setCurrent] = useState("");
  const [proposed, setProposed] = useState("");
  const [changed, setChanged] = useState("");
  const action = useAction(async () => {
    setChanged("");
    await app.auth.changePassword(current, proposed);
    setCurrent("");
    setProposed("");
    setChanged("Your password is changed: use the new one next time you sign in.");
  });
  return (
    <section aria-labelledby="change-password">
      <h2 id="change-password">Change your password</h2>
      <Form action={action} submit="Change password" label="Change your password" class="narrow">
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={current}
          onInput={setCurrent}
          required
        />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          hint={PASSWORD_RULES}
          value={proposed}
          onInput={setProposed}
          required
        />
      </Form>
      <p role="status" class={changed ? "notice" : undefined}>
        {changed}
      </p>
    </section>
  );
}

function SignOutEverywhere(): JSX.Element {
  const action = useAction(async () => {
    navigate("/", true); // first: a signed-in page would send the signed-out person to sign in
    await app.auth.signOut(); // every device's refresh token stops working
  });
  return (
    <section aria-labelledby="sign-out-everywhere">
      <h2 id="sign-out-everywhere">Sign out everywhere</h2>
      <p>Signs you out in every browser and app you signed in to, this one included.</p>
      <ActionButton action={action} class="danger">
        Sign out everywhere
      </ActionButton>
    </section>
  );
}

/** Signs this browser tab out and goes home (the header's "Sign out"). */
export function SignOutPage(): JSX.Element {
  useEffect(() => {
    navigate("/", true); // first: the signed-in page must not bounce to sign-in once signed out
    void app.auth.signOut(false);
  }, []);
  return (
    <p class="loading" role="status">
      Signing out…
    </p>
  );
}
