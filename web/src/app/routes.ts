// A route: a path pattern ("/e/:slug"), the page it shows, who may open it, and its place
// in the navigation. Each area of the client lists its own routes in src/pages/<area>/routes.ts.
import type { JSX } from "preact";
import type { Route } from "./router";

export type Audience = "anyone" | "signed-out" | "signed-in" | "expert";

export type RouteEntry = {
  pattern: string;
  page: (params: Record<string, string>, route: Route) => JSX.Element;
  /** Who may open it; others are sent to sign in (or home). Default: anyone. */
  audience?: Audience;
  /** Shown in the header's navigation, in this order, to the audience. */
  nav?: { label: string; order: number };
};
