// After signing up: what to do next (experts build their profile, clients find an expert).
// Someone signed in who has not registered their account yet (they confirmed, then reloaded or
// came back later) finishes it here first.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { app, isExpert, useAccount } from "../../app/context";
import { Link, type Route } from "../../app/router";
import { useAction } from "../../ui/async";
import { Form } from "../../ui/forms";
import { Page } from "../../ui/page";
import { checkDetails, DetailsFields, register, SideChoice, type Details } from "./account-fields";
import { forgetChoice, keptChoice, type Side } from "./signup-state";

export function WelcomePage({ route }: { route: Route }): JSX.Element {
  const account = useAccount();
  const kept = keptChoice(app.auth.claims?.email);
  const asked = route.query.get("as");
  const [side, setSide] = useState<Side>(asked === "expert" || asked === "client" ? asked : (kept?.side ?? "client"));
  if (!account) return <FinishAccount side={side} onSide={setSide} kept={kept} />;
  const expert = side === "expert" || isExpert(account);
  return (
    <Page title={`Welcome to Parley, ${account.display_name}`}>
      <p class="notice" role="status">
        Your account is ready: you are signed in as {account.email}.
      </p>
      <h2>What to do next</h2>
      {expert ? (
        <>
          <p>Clients find you by your profile: say what you know, set your rate and when you are available.</p>
          <p>
            <Link href="/expert/profile" class="next-step">
              Build your profile
            </Link>
          </p>
        </>
      ) : (
        <>
          <p>Search by topic or name, read reviews, then book a time or call an expert who is online.</p>
          <p>
            <Link href="/search" class="next-step">
              Find an expert
            </Link>
          </p>
        </>
      )}
      <p>
        You can change your details and password on <Link href="/account">your account page</Link>.
      </p>
    </Page>
  );
}

function FinishAccount({
  side,
  onSide,
  kept,
}: {
  side: Side;
  onSide: (side: Side) => void;
  kept: ReturnType<typeof keptChoice>;
}): JSX.Element {
  const [details, setDetails] = useState<Details>({
    kind: kept?.kind ?? "individual",
    display_name: kept?.display_name ?? "",
    organisation_name: kept?.organisation_name ?? null,
  });
  const action = useAction(async () => {
    checkDetails(details);
    await register(details); // the account shown above replaces this form
    forgetChoice();
  });
  return (
    <Page title="Finish your account">
      <p>Your email is confirmed. Tell us who you are to finish setting up your account.</p>
      <Form action={action} submit="Finish" label="Finish your account" class="narrow">
        <SideChoice value={side} onChange={onSide} />
        <DetailsFields details={details} onChange={setDetails} action={action} />
      </Form>
    </Page>
  );
}
