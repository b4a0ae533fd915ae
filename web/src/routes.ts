// Every page of the web client, by area (src/pages/<area>/routes.tsx); the first match wins.
import type { RouteEntry } from "./app/routes";
import { accountRoutes } from "./pages/account/routes";
import { callsRoutes } from "./pages/calls/routes";
import { clientRoutes } from "./pages/client/routes";
import { conversationsRoutes } from "./pages/conversations/routes";
import { expertRoutes } from "./pages/expert/routes";
import { homeRoutes } from "./pages/home/routes";
import { leadsRoutes } from "./pages/leads/routes";
import { questionsRoutes } from "./pages/questions/routes";

export const routes: RouteEntry[] = [
  ...homeRoutes,
  ...accountRoutes,
  ...clientRoutes,
  ...expertRoutes,
  ...callsRoutes,
  ...leadsRoutes,
  ...conversationsRoutes,
  ...questionsRoutes,
];
