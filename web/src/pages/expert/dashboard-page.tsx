// /expert: where the expert's pages start: their profile's link and every page of their side.
import type { JSX } from "preact";
import { ApiError } from "../../api";
import { app } from "../../app/context";
import { Link } from "../../app/router";
import { useLoad } from "../../ui/async";
import { Await, Page } from "../../ui/page";
import { PersonalLink } from "./profile-page";

const PAGES: { href: string; label: string; what: string }[] = [
  { href: "/expert/profile", label: "Profile", what: "What clients read about you, your rate and your photo." },
  { href: "/expert/availability", label: "Availability", what: "Your weekly hours, days off and buffers." },
  { href: "/calls", label: "Calls", what: "Go online and answer incoming calls." },
  { href: "/expert/services", label: "Services", what: "Work clients check out, with an upfront hold." },
  { href: "/expert/links", label: "Session links", what: "Your paid-session link and one-time free links." },
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
            <PersonalLink slug={own.slug} />
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
