// Calls: going online, incoming calls and booking requests, calling an expert, the call page
// and its receipt.
import type { RouteEntry } from "../../app/routes";
import { CallPage } from "./call-page";
import { CallExpertPage, CallsPage } from "./calls-page";
import "./calls.css";
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
    pattern: "/call/:sessionId/receipt",
    audience: "signed-in",
    page: ({ sessionId }) => <ReceiptPage key={sessionId} sessionId={sessionId!} />,
  },
];
