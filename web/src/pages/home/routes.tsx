// The start page.
import type { RouteEntry } from "../../app/routes";
import { HomePage } from "./home";
import "./home.css";

export const homeRoutes: RouteEntry[] = [{ pattern: "/", page: () => <HomePage /> }];
