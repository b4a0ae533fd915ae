// Conversations: every thread with its attachments and whose answer it awaits.
import type { RouteEntry } from "../../app/routes";
import "./conversations.css";
import { ConversationsPage } from "./list-page";
import { ThreadPage } from "./thread-page";

export const conversationsRoutes: RouteEntry[] = [
  {
    pattern: "/conversations",
    audience: "signed-in",
    nav: { label: "Conversations", order: 45 },
    page: () => <ConversationsPage />,
  },
  {
    pattern: "/conversations/:threadId",
    audience: "signed-in",
    page: ({ threadId }) => <ThreadPage key={threadId} threadId={threadId!} />,
  },
];
