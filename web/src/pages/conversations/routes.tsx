// Conversations: every thread with its attachments and whose answer it awaits.
import type { RouteEntry } from "../../app/routes";

export const conversationsRoutes: RouteEntry[] = [];
