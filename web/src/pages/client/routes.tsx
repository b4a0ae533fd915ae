// The client's side: search, public profiles and their articles, booking and paying, my bookings, receipts, rating.
// Its pages are loaded when first opened (import()), so the start page stays light.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { RouteEntry } from "../../app/routes";
import type { Route } from "../../app/router";
import { asApiError } from "../../ui/async";
import { ErrorNote } from "../../ui/forms";
import "./client.css";

type Pages = typeof import("./pages");
let loading: Promise<Pages> | null = null;

function pages(): Promise<Pages> {
  loading ??= import("./pages").catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/** Shows `render(pages)` once the client's pages are loaded; a loading line before. */
function Lazy({ render }: { render: (found: Pages) => JSX.Element }): JSX.Element {
  const [found, setFound] = useState<Pages | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    pages().then(
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

export const clientRoutes: RouteEntry[] = [
  {
    pattern: "/search",
    nav: { label: "Find an expert", order: 10 },
    page: (_, route: Route) => <Lazy render={({ SearchPage }) => <SearchPage route={route} />} />,
  },
  { pattern: "/e/:slug", page: ({ slug }) => <Lazy key={slug} render={({ ProfilePage }) => <ProfilePage slug={slug!} />} /> },
  {
    pattern: "/articles/:articleId",
    page: ({ articleId }) => <Lazy key={articleId} render={({ ArticlePage }) => <ArticlePage articleId={articleId!} />} />,
  },
  {
    pattern: "/bookings",
    audience: "signed-in",
    nav: { label: "My bookings", order: 20 },
    page: () => <Lazy render={({ BookingsPage }) => <BookingsPage />} />,
  },
  {
    pattern: "/bookings/:bookingId",
    audience: "signed-in",
    page: ({ bookingId }) => <Lazy key={bookingId} render={({ BookingPage }) => <BookingPage bookingId={bookingId!} />} />,
  },
  {
    pattern: "/sessions/:sessionId/review",
    audience: "signed-in",
    page: ({ sessionId }) => <Lazy key={sessionId} render={({ ReviewPage }) => <ReviewPage sessionId={sessionId!} />} />,
  },
];
