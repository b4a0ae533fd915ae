// The client's side: search, public profiles, booking and paying, my bookings, receipts, rating.
import type { RouteEntry } from "../../app/routes";
import { BookingPage, BookingsPage } from "./bookings";
import "./client.css";
import { ProfilePage } from "./profile";
import { ReviewPage } from "./review";
import { SearchPage } from "./search";

export const clientRoutes: RouteEntry[] = [
  { pattern: "/search", nav: { label: "Find an expert", order: 10 }, page: (_, route) => <SearchPage route={route} /> },
  { pattern: "/e/:slug", page: ({ slug }) => <ProfilePage key={slug} slug={slug!} /> },
  { pattern: "/bookings", audience: "signed-in", nav: { label: "My bookings", order: 20 }, page: () => <BookingsPage /> },
  {
    pattern: "/bookings/:bookingId",
    audience: "signed-in",
    page: ({ bookingId }) => <BookingPage key={bookingId} bookingId={bookingId!} />,
  },
  {
    pattern: "/sessions/:sessionId/review",
    audience: "signed-in",
    page: ({ sessionId }) => <ReviewPage key={sessionId} sessionId={sessionId!} />,
  },
];
