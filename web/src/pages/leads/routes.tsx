// Leads: buyers post, sellers bid, both negotiate, pay, deliver and accept.
import type { RouteEntry } from "../../app/routes";
import { LeadPage } from "./lead-page";
import "./leads.css";
import { FindLeadsPage, MyBidsPage, MyLeadsPage } from "./lists";
import { NewLeadPage } from "./new-lead";

// The fixed paths first: the first match wins, and /leads/:leadId would match them too.
export const leadsRoutes: RouteEntry[] = [
  { pattern: "/leads/new", audience: "signed-in", nav: { label: "Post a lead", order: 50 }, page: () => <NewLeadPage /> },
  { pattern: "/leads/mine", audience: "signed-in", nav: { label: "My leads", order: 51 }, page: (_, route) => <MyLeadsPage route={route} /> },
  { pattern: "/leads", audience: "expert", nav: { label: "Find leads", order: 52 }, page: (_, route) => <FindLeadsPage route={route} /> },
  { pattern: "/leads/bids", audience: "expert", nav: { label: "My bids", order: 53 }, page: (_, route) => <MyBidsPage route={route} /> },
  { pattern: "/leads/:leadId", audience: "signed-in", page: ({ leadId }) => <LeadPage key={leadId} leadId={leadId!} /> },
];
