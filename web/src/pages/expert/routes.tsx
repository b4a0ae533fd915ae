// The expert's side: profile, availability, services, session links, earnings and payouts; articles
// and documents (their own chunk, loaded when first opened).
// Stripe's onboarding sends the browser back to /settings/payouts (the API's return URL),
// which is the earnings page.
import type { RouteEntry } from "../../app/routes";
import { lazyChunk } from "../../ui/lazy";
import { AvailabilityPage } from "./availability-page";
import { DashboardPage } from "./dashboard-page";
import { EarningsPage } from "./earnings-page";
import { LinksPage } from "./links-page";
import "./expert.css";
import { ProfilePage } from "./profile-page";
import { ServicesPage } from "./services-page";

const Lazy = lazyChunk(() => import("./knowledge"));

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
