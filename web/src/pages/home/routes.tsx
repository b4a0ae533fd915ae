// The start page.
import type { RouteEntry } from "../../app/routes";

export const homeRoutes: RouteEntry[] = [];
