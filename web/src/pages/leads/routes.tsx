// Leads: buyers post, sellers bid, both negotiate, pay, deliver and accept.
import type { RouteEntry } from "../../app/routes";

export const leadsRoutes: RouteEntry[] = [];
