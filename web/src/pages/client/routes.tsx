// The client's side: search, public profiles and their articles, booking and paying, my bookings, receipts, rating.
// Its pages are loaded when first opened (import()), so the start page stays light.
import type { RouteEntry } from "../../app/routes";
import { lazyChunk } from "../../ui/lazy";
import type { Route } from "../../app/router";
import "./client.css";

const Lazy = lazyChunk(() => import("./pages"));

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
