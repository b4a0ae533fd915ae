// The expert's side: profile, availability, services, session links, earnings and payouts.
// Stripe's onboarding sends the browser back to /settings/payouts (the API's return URL),
// which is the earnings page.
import type { RouteEntry } from "../../app/routes";
import { AvailabilityPage } from "./availability-page";
import { DashboardPage } from "./dashboard-page";
import { EarningsPage } from "./earnings-page";
import { LinksPage } from "./links-page";
import "./expert.css";
import { ProfilePage } from "./profile-page";
import { ServicesPage } from "./services-page";

export const expertRoutes: RouteEntry[] = [
  { pattern: "/expert", audience: "signed-in", nav: { label: "Expert", order: 30 }, page: () => <DashboardPage /> },
  { pattern: "/expert/profile", audience: "signed-in", page: () => <ProfilePage /> },
  { pattern: "/expert/availability", audience: "expert", page: () => <AvailabilityPage /> },
  { pattern: "/expert/services", audience: "expert", page: () => <ServicesPage /> },
  { pattern: "/expert/links", audience: "expert", page: () => <LinksPage /> },
  { pattern: "/expert/earnings", audience: "expert", page: (_, route) => <EarningsPage route={route} /> },
  { pattern: "/settings/payouts", audience: "expert", page: (_, route) => <EarningsPage route={route} /> },
];
