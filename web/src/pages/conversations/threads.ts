// What both conversation pages say about a thread: what it is about (and where that lives),
// who the other party is, and whose answer it awaits.
import { ApiError, type Answer } from "../../api";
import { app } from "../../app/context";
import { when } from "../../format";

export type Thread = Answer<"/conversations/{thread_id}">;
export type Message = Answer<"/conversations/{thread_id}/messages">["items"][number];

/** Experts promise an answer within this long of the first unanswered message (chalicelib/conversations/rules.py). */
export const ANSWER_WITHIN_HOURS = 24;

/** The page of one thread (its id has a colon: "booking:<id>"). */
export function threadHref(threadId: string): string {
  return `/conversations/${encodeURIComponent(threadId)}`;
}

/** What the thread is about, and the page of that thing (null when the client has no page for it). */
export function subjectOf(thread: Pick<Thread, "subject" | "subject_id">): { kind: string; href: string | null; link: string } {
  if (thread.subject === "booking")
    return { kind: "A booking", href: `/bookings/${encodeURIComponent(thread.subject_id)}`, link: "View the booking" };
  if (thread.subject === "lead") {
    // A lead's thread is one per seller: "<lead id>.<seller id>".
    const leadId = thread.subject_id.split(".")[0] ?? thread.subject_id;
    return { kind: "A lead", href: `/leads/${encodeURIComponent(leadId)}`, link: "View the lead" };
  }
  return { kind: "A service checkout", href: null, link: "" };
}

export function myId(thread: Thread): string {
  return thread.my_role === "expert" ? thread.expert_id : thread.client_id;
}

export function otherId(thread: Thread): string {
  return thread.my_role === "expert" ? thread.client_id : thread.expert_id;
}

const names = new Map<string, Promise<string | null>>();

/** An expert's public name (GET /experts/{id}), asked once per page load; null when they have no public profile. */
function expertName(accountId: string): Promise<string | null> {
  let found = names.get(accountId);
  if (!found) {
    found = app.api.get("/experts/{expert_id}", { path: { expert_id: accountId } }).then(
      (profile) => profile.name,
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return null;
        names.delete(accountId); // a passing failure: ask again next time
        throw error;
      },
    );
    names.set(accountId, found);
  }
  return found;
}

/** How the other party is named: the expert's public name for a client; the client has no public name. */
export async function otherName(thread: Thread): Promise<string> {
  if (thread.my_role === "expert") return thread.subject === "lead" ? "the buyer" : "your client";
  const name = await expertName(thread.expert_id);
  return name ?? (thread.subject === "lead" ? "the seller" : "the expert");
}

/** Threads with the other party's name, for a page. */
export async function named<T extends Thread>(threads: T[]): Promise<Array<T & { other: string }>> {
  return Promise.all(threads.map(async (thread) => ({ ...thread, other: await otherName(thread) })));
}

const UTC_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z\b/g;

/** The API's texts name instants in UTC ("Appointment on 2026-03-02T10:00:00Z"): shown in the viewer's zone. */
export function localTimes(text: string): string {
  return text.replace(UTC_INSTANT, (instant) => when(instant));
}

export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "3 h 5 min", "2 days 4 h", "under a minute". */
export function waited(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  if (minutes < 1) return "under a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} ${hours < 48 ? "day" : "days"} ${hours % 24} h`;
}

/** Whose answer the thread awaits, e.g. "Waiting on you" or "Waiting on Bettina Berlin". */
export function waitingLabel(thread: Thread, other: string): string {
  if (thread.waiting_on_me) return "Waiting on you";
  if (thread.waiting_on) return `Waiting on ${other}`;
  return "Not waiting on anyone";
}

/** The reminder under a thread: how long it has waited and by when the answer is due. */
export function waitingReminder(thread: Thread, other: string): string | null {
  if (!thread.waiting_on || !thread.waiting_since) return null;
  const due = when(new Date(new Date(thread.waiting_since).getTime() + ANSWER_WITHIN_HOURS * 3_600_000).toISOString());
  const since = waited(thread.waiting_seconds);
  if (thread.waiting_on_me)
    return `Waiting on you for ${since}: please answer by ${due} (within ${ANSWER_WITHIN_HOURS} hours of the first unanswered message).`;
  return `Waiting on ${other} for ${since}; an answer is due by ${due}.`;
}
