// Calls: going online, incoming calls and booking requests, calling an expert, joining a booked
// appointment's call, the call page and its receipt.
import type { RouteEntry } from "../../app/routes";
import { CallPage } from "./call-page";
import { CallExpertPage, CallsPage } from "./calls-page";
import "./calls.css";
import { JoinPage } from "./join-page";
import { ReceiptPage } from "./receipt-page";

export const callsRoutes: RouteEntry[] = [
  { pattern: "/calls", audience: "signed-in", nav: { label: "Calls", order: 40 }, page: () => <CallsPage /> },
  {
    pattern: "/call",
    audience: "signed-in",
    page: (_, route) => <CallExpertPage expertId={route.query.get("expert") ?? ""} />,
  },
  {
    pattern: "/call/:sessionId",
    audience: "signed-in",
    page: ({ sessionId }, route) => <CallPage key={sessionId} sessionId={sessionId!} route={route} />,
  },
  {
    pattern: "/bookings/:bookingId/join",
    audience: "signed-in",
    page: ({ bookingId }) => <JoinPage key={bookingId} bookingId={bookingId!} />,
  },
  {
    pattern: "/call/:sessionId/receipt",
    audience: "signed-in",
    page: ({ sessionId }) => <ReceiptPage key={sessionId} sessionId={sessionId!} />,
  },
];
