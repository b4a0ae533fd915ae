// The expert's side: profile, availability, services, session links, earnings and payouts.
import type { RouteEntry } from "../../app/routes";

export const expertRoutes: RouteEntry[] = [];
