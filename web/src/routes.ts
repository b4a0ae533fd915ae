// Every page of the web client, by area (src/pages/<area>/routes.tsx).
import type { RouteEntry } from "./app/routes";
import { accountRoutes } from "./pages/account/routes";

export const routes: RouteEntry[] = [...accountRoutes];
