// /expert/earnings (and /settings/payouts, where Stripe's onboarding sends the browser back):
// the payout account through Stripe Connect, what the expert earned per currency by where the
// money is, the week-by-week statement and the latest payouts.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { idempotencyKey, type Answer, type Schemas } from "../../api";
import { app } from "../../app/context";
import { Link, type Route } from "../../app/router";
import { money } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { ActionButton, Field } from "../../ui/forms";
import { Await, Page } from "../../ui/page";

type Country = Schemas["OnboardingInput"]["country"];
type Status = Answer<"/experts/me/payouts">;
type Earnings = Answer<"/experts/me/earnings">;
type Statement = Answer<"/experts/me/earnings/statement">;

// Every country the API pays out in: a Record over the document's enum, so one it adds or drops is a type error.
const COUNTRIES: Record<Country, true> = {
  AT: true, AU: true, BE: true, BR: true, CA: true, CH: true, DE: true, DK: true, ES: true, FI: true, FR: true,
  GB: true, IE: true, IT: true, JP: true, LU: true, MX: true, NL: true, NO: true, PT: true, SE: true, SG: true,
  US: true,
}; // prettier-ignore

function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(undefined, { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

function guessCountry(): Country {
  const region = new Intl.Locale(navigator.language).maximize().region ?? "";
  return region in COUNTRIES ? (region as Country) : "US";
}

const STAGES: Record<Status["onboarding"], string> = {
  not_started: "Not connected: set up payouts with Stripe to be paid.",
  in_progress: "Started: Stripe still needs some details from you.",
  pending_verification: "Stripe is checking your details.",
  complete: "Connected with Stripe: payouts are enabled.",
};

export function EarningsPage({ route }: { route: Route }): JSX.Element {
  const back = route.query.get("onboarding");
  const loaded = useLoad(
    () =>
      Promise.all([
        app.api.get("/experts/me/payouts"),
        app.api.get("/experts/me/earnings"),
        app.api.get("/experts/me/earnings/statement", { query: { weeks: 12 } }),
      ]),
    [],
  );
  return (
    <Page title="Earnings and payouts">
      {back === "done" && (
        <p class="notice" role="status">
          You are back from Stripe.
        </p>
      )}
      {back === "expired" && (
        <p class="warning" role="status">
          The Stripe link had expired or was used: connect again to carry on.
        </p>
      )}
      <Await loaded={loaded} what="your earnings">
        {([status, earnings, statement]) => (
          <>
            <PayoutAccount status={status} />
            <Figures earnings={earnings} />
            <WeeklyStatement statement={statement} />
            <Payouts earnings={earnings} />
          </>
        )}
      </Await>
      <p>
        <Link href="/expert">Back to your expert dashboard</Link>
      </p>
    </Page>
  );
}

function PayoutAccount({ status }: { status: Status }): JSX.Element {
  const [country, setCountry] = useState<Country>(() => (status.country as Country | null) ?? guessCountry());
  const [key] = useState(idempotencyKey);
  const connect = useAction(async () => {
    const started = await app.api.post("/experts/me/payouts/onboarding", { body: { country }, key });
    location.assign(started.onboarding_url); // Stripe's page; it sends the browser back here
  });
  useEffect(() => connect.clear(), [country]);
  return (
    <section aria-labelledby="payout-account">
      <h2 id="payout-account">Payout account</h2>
      <p class={status.payouts_enabled ? "notice" : "warning"} role="status">
        {STAGES[status.onboarding]}
        {status.country ? ` (${countryName(status.country)})` : ""}
      </p>
      {status.requirements_due.length > 0 && (
        <>
          <p>Stripe still needs:</p>
          <ul>
            {status.requirements_due.map((item) => (
              <li key={item}>{item.replaceAll("_", " ").replaceAll(".", ": ")}</li>
            ))}
          </ul>
        </>
      )}
      {!status.payouts_enabled && (
        <div class="connect">
          {status.country === null && (
            <Field
              label="Country of your bank account"
              as="select"
              value={country}
              onInput={(value) => setCountry(value as Country)}
              error={connect.fieldError("country")}
            >
              {(Object.keys(COUNTRIES) as Country[])
                .map((code) => ({ code, name: countryName(code) }))
                .sort((a, b) => a.name.localeCompare(b.name))
                .map(({ code, name }) => (
                  <option key={code} value={code}>
                    {name}
                  </option>
                ))}
            </Field>
          )}
          <ActionButton action={connect} class="primary">
            {status.onboarding === "not_started" ? "Connect with Stripe" : "Continue with Stripe"}
          </ActionButton>
        </div>
      )}
    </section>
  );
}

const FIGURES: { key: "pending" | "available" | "frozen" | "on_the_way" | "paid"; label: string; what: string }[] = [
  { key: "pending", label: "Pending", what: "In the hold period after a charge." },
  { key: "available", label: "Available", what: "Paid out next Monday." },
  { key: "frozen", label: "Frozen", what: "Held while a dispute is open." },
  { key: "on_the_way", label: "On the way", what: "In a transfer under way." },
  { key: "paid", label: "Paid", what: "Transferred to your Stripe account, ever." },
];

function Figures({ earnings }: { earnings: Earnings }): JSX.Element {
  return (
    <section aria-labelledby="earnings-figures">
      <h2 id="earnings-figures">Earnings</h2>
      {earnings.currencies.length === 0 ? (
        <p class="muted">No earnings yet: they show here after your first paid call.</p>
      ) : (
        <ul class="currencies">
          {earnings.currencies.map((row) => (
            <li key={row.currency} class="card">
              <h3>In {row.currency}</h3>
              <dl class="figures" aria-label={`Earnings in ${row.currency}`}>
                {FIGURES.map((figure) => (
                  <div key={figure.key}>
                    <dt title={figure.what}>{figure.label}</dt>
                    <dd>{money(row[figure.key], row.currency)}</dd>
                  </div>
                ))}
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function WeeklyStatement({ statement }: { statement: Statement }): JSX.Element {
  return (
    <section aria-labelledby="weekly-statement">
      <h2 id="weekly-statement">Weekly statement</h2>
      {statement.weeks.length === 0 ? (
        <p class="muted">Nothing in the last 12 weeks.</p>
      ) : (
        // Scrolls sideways on a narrow screen: focusable so a keyboard can scroll it too.
        <div class="table-scroll" tabIndex={0} role="region" aria-label="Weekly statement, week by week">
          <table>
            <caption class="visually-hidden">Your earnings week by week, newest first (weeks in UTC)</caption>
            <thead>
              <tr>
                <th scope="col">Week</th>
                <th scope="col">Earned</th>
                <th scope="col">Refunded</th>
                <th scope="col">Disputed</th>
                <th scope="col">Paid out</th>
              </tr>
            </thead>
            <tbody>
              {statement.weeks.map((week) => (
                <tr key={`${week.week}-${week.currency}`}>
                  <th scope="row">{week.week}</th>
                  <td>{money(week.earned, week.currency)}</td>
                  <td>{money(week.refunded, week.currency)}</td>
                  <td>{money(week.disputed, week.currency)}</td>
                  <td>{money(week.paid_out, week.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const PAYOUT_STATES: Record<Earnings["payouts"][number]["status"], string> = {
  transferring: "on the way",
  paid: "paid",
  failed: "failed: it is tried again next Monday",
};

function Payouts({ earnings }: { earnings: Earnings }): JSX.Element {
  return (
    <section aria-labelledby="payouts">
      <h2 id="payouts">Payouts</h2>
      {earnings.payouts.length === 0 ? (
        <p class="muted">No payouts yet. Available earnings are paid out every Monday.</p>
      ) : (
        <ul class="payouts">
          {earnings.payouts.map((payout) => (
            <li key={`${payout.week}-${payout.currency}`}>
              Week {payout.week}: {money(payout.amount, payout.currency)}, {PAYOUT_STATES[payout.status]}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
