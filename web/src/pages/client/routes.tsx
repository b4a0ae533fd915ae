// The client's side: search, public profiles, booking and paying, my bookings, receipts, rating.
import type { RouteEntry } from "../../app/routes";

export const clientRoutes: RouteEntry[] = [];
