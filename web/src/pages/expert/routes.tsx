// The expert's side: profile, availability, services, session links, earnings and payouts; articles
// and documents (their own chunk, loaded when first opened).
// Stripe's onboarding sends the browser back to /settings/payouts (the API's return URL),
// which is the earnings page.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { RouteEntry } from "../../app/routes";
import { asApiError } from "../../ui/async";
import { ErrorNote } from "../../ui/forms";
import { AvailabilityPage } from "./availability-page";
import { DashboardPage } from "./dashboard-page";
import { EarningsPage } from "./earnings-page";
import { LinksPage } from "./links-page";
import "./expert.css";
import { ProfilePage } from "./profile-page";
import { ServicesPage } from "./services-page";

type Knowledge = typeof import("./knowledge");
let loading: Promise<Knowledge> | null = null;

function knowledge(): Promise<Knowledge> {
  loading ??= import("./knowledge").catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/** Shows `render(pages)` once the articles and documents pages are loaded; a loading line before. */
function Lazy({ render }: { render: (found: Knowledge) => JSX.Element }): JSX.Element {
  const [found, setFound] = useState<Knowledge | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    knowledge().then(
      (loaded) => live && setFound(loaded),
      (error: unknown) => live && setFailed(error),
    );
    return () => void (live = false);
  }, []);
  if (found) return render(found);
  if (failed)
    return (
      <section class="page">
        <h1>This page cannot be loaded</h1>
        <ErrorNote error={asApiError(new Error("The page could not be loaded; check your connection and reload."))} />
      </section>
    );
  return (
    <p class="loading" role="status">
      Loading…
    </p>
  );
}

export const expertRoutes: RouteEntry[] = [
  { pattern: "/expert", audience: "signed-in", nav: { label: "Expert", order: 30 }, page: () => <DashboardPage /> },
  { pattern: "/expert/profile", audience: "signed-in", page: () => <ProfilePage /> },
  { pattern: "/expert/availability", audience: "expert", page: () => <AvailabilityPage /> },
  { pattern: "/expert/services", audience: "expert", page: () => <ServicesPage /> },
  { pattern: "/expert/links", audience: "expert", page: () => <LinksPage /> },
  { pattern: "/expert/articles", audience: "expert", page: () => <Lazy render={({ ArticlesPage }) => <ArticlesPage />} /> },
  { pattern: "/expert/documents", audience: "expert", page: () => <Lazy render={({ DocumentsPage }) => <DocumentsPage />} /> },
  { pattern: "/expert/earnings", audience: "expert", page: (_, route) => <EarningsPage route={route} /> },
  { pattern: "/settings/payouts", audience: "expert", page: (_, route) => <EarningsPage route={route} /> },
];
