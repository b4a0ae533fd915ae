// Calls: going online, incoming calls and booking requests, the call page.
import type { RouteEntry } from "../../app/routes";

export const callsRoutes: RouteEntry[] = [];
