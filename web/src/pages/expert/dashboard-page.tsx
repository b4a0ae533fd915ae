// /expert: where the expert's pages start: their profile's link, their reputation and how they
// answer messages, this week's figures and the last 7 weeks' (GET /me/statistics), and every page
// of their side.
import type { JSX } from "preact";
import { ApiError, type Answer } from "../../api";
import { app } from "../../app/context";
import { Link } from "../../app/router";
import { money, reputationText, responsivenessText } from "../../format";
import { useLoad } from "../../ui/async";
import { Await, Page } from "../../ui/page";
import { PersonalLink } from "./profile-page";

const PAGES: { href: string; label: string; what: string }[] = [
  { href: "/expert/profile", label: "Profile", what: "What clients read about you, your rate and your photo." },
  { href: "/expert/availability", label: "Availability", what: "Your weekly hours, days off and buffers." },
  { href: "/calls", label: "Calls", what: "Go online and answer incoming calls." },
  { href: "/expert/services", label: "Services", what: "Work clients check out, with an upfront hold." },
  { href: "/expert/links", label: "Session links", what: "Your paid-session link and one-time free links." },
  { href: "/expert/articles", label: "Articles", what: "Write articles for your profile; readers vote on them." },
  { href: "/expert/documents", label: "Documents", what: "Publish files clients can download from your profile." },
  { href: "/expert/earnings", label: "Earnings and payouts", what: "What you earned, and payouts through Stripe." },
];

export function DashboardPage(): JSX.Element {
  const loaded = useLoad(
    () =>
      app.api.get("/experts/me").catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }),
    [],
  );
  return (
    <Page title="Your expert dashboard">
      <Await loaded={loaded} what="your profile">
        {(own) =>
          own ? (
            <>
              <PersonalLink slug={own.slug} />
              <section aria-labelledby="standing">
                <h2 id="standing">Your standing</h2>
                <dl class="facts">
                  <dt>Reputation</dt>
                  <dd>{reputationText(own.reputation)}</dd>
                  <dt>Responsiveness</dt>
                  <dd>
                    {responsivenessText(own.responsiveness)}
                    <span class="muted"> (clients expect an answer within {own.responsiveness.expected_within_hours} hours)</span>
                  </dd>
                </dl>
              </section>
              <WeeklyStatistics />
            </>
          ) : (
            <p class="warning">
              You have no expert profile yet. <Link href="/expert/profile">Write your profile</Link> to get your personal
              link.
            </p>
          )
        }
      </Await>
      <h2>Your pages</h2>
      <ul class="expert-pages">
        {PAGES.map((page) => (
          <li key={page.href} class="card">
            <Link href={page.href}>{page.label}</Link>
            <p class="muted">{page.what}</p>
          </li>
        ))}
      </ul>
    </Page>
  );
}

type Statistics = Answer<"/me/statistics">;
type Amounts = Statistics["totals"]["earnings"];

const WEEKS = 8; // this week and the last 7

function earnings(amounts: Amounts): string {
  return amounts.length === 0 ? "—" : amounts.map((a) => money(a.amount, a.currency)).join(", ");
}

/** This week's figures and the last 7 weeks', newest first, with their totals; scrolls sideways on a phone. */
function WeeklyStatistics(): JSX.Element {
  const loaded = useLoad(() => app.api.get("/me/statistics", { query: { weeks: WEEKS } }), []);
  return (
    <section aria-labelledby="statistics">
      <h2 id="statistics">This week and the last 7</h2>
      <Await loaded={loaded} what="your statistics">
        {(found) => (
          // Focusable so that a keyboard can scroll it too.
          <div class="table-scroll" tabIndex={0} role="region" aria-label="Your weekly statistics">
            <table class="statistics">
              <caption>Your figures week by week, this week first (ISO weeks, UTC)</caption>
              <thead>
                <tr>
                  <th scope="col">Week</th>
                  <th scope="col">Profile views</th>
                  <th scope="col">Search appearances</th>
                  <th scope="col">Calls</th>
                  <th scope="col">Bookings</th>
                  <th scope="col">Answers</th>
                  <th scope="col">Reputation</th>
                  <th scope="col">Earnings</th>
                </tr>
              </thead>
              <tbody>
                {found.weeks.map((week, index) => (
                  <tr key={week.week}>
                    <th scope="row">{index === 0 ? `This week (${week.week})` : week.week}</th>
                    <td>{week.profile_views}</td>
                    <td>{week.search_appearances}</td>
                    <td>{week.calls}</td>
                    <td>{week.bookings}</td>
                    <td>{week.answers}</td>
                    <td>{week.reputation > 0 ? `+${week.reputation}` : week.reputation}</td>
                    <td>{earnings(week.earnings)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">All {found.weeks.length} weeks</th>
                  <td>{found.totals.profile_views}</td>
                  <td>{found.totals.search_appearances}</td>
                  <td>{found.totals.calls}</td>
                  <td>{found.totals.bookings}</td>
                  <td>{found.totals.answers}</td>
                  <td>{found.totals.reputation > 0 ? `+${found.totals.reputation}` : found.totals.reputation}</td>
                  <td>{earnings(found.totals.earnings)}</td>
                </tr>
              </tfoot>
            </table>
          </div>
        )}
      </Await>
    </section>
  );
}
