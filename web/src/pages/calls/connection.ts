// The signed-in person's one signalling connection (docs/websocket-protocol.md), opened the first
// time a calls page needs it and kept while they move between pages, so an online expert's calls
// ring wherever they are in the app; closed at sign-out. What it learns (presence, calls ringing,
// the client's own request) is kept here for the pages to show.
import { useEffect, useState } from "preact/hooks";
import type { Answer } from "../../api";
import { app } from "../../app/context";
import { navigate } from "../../app/router";
import { asApiError } from "../../ui/async";
import { confirmHold } from "../../ui/card";
import { Signalling, type Message } from "../../socket";

/** A call as the API and the WebSocket's session events show it. */
export type Session = Answer<"/sessions/{session_id}">;
export type Media = "voice" | "video";

/** The client's own request, from asking until it is answered (or given up). */
export type Request = {
  sessionId: string | null;
  expertName: string;
  media: Media;
  /** What the client reads: "Calling Ines…", "The expert declined the call.", … */
  text: string;
  live: boolean;
  /** The card failed: the API's message, and until when another card may be sent. */
  paymentFailed: string | null;
};

export type CallsState = {
  connected: boolean;
  /** The expert's shown presence (hello's or the presence reply's); null for a person with no expert profile. */
  presence: "online" | "busy" | "offline" | null;
  /** What the expert last said (online/offline), so the button shows their intent. */
  intent: "online" | "offline" | null;
  /** Calls ringing for the expert, oldest first. */
  ringing: Session[];
  /** Calls of theirs under way (accepted or active), from hello. */
  live: Session[];
  request: Request | null;
  /** The last refusal of something done here (an error message from the server). */
  error: string | null;
};

let signalling: Signalling | null = null;
let state: CallsState = { connected: false, presence: null, intent: null, ringing: [], live: [], request: null, error: null };
const watchers = new Set<() => void>();

function update(change: Partial<CallsState>): void {
  state = { ...state, ...change };
  for (const watcher of [...watchers]) watcher();
}

export function callsState(): CallsState {
  return state;
}

/** The calls state; the component re-renders when it changes. Opens the connection. */
export function useCalls(): CallsState {
  const [, tick] = useState(0);
  useEffect(() => {
    const watcher = () => tick((n) => n + 1);
    watchers.add(watcher);
    connection();
    return () => void watchers.delete(watcher);
  }, []);
  return state;
}

/** The one Signalling of the signed-in session, connecting on first use. */
export function connection(): Signalling {
  if (signalling) return signalling;
  const created = new Signalling(app.config.ws_url, () => app.auth.idToken());
  signalling = created;
  created.listen(onMessage);
  created.onOpen(() => {
    update({ connected: true });
    void hello(created);
  });
  created.onDrop(() => update({ connected: false }));
  const before = app.auth.onChange;
  app.auth.onChange = () => {
    before();
    if (!app.auth.signedIn && signalling === created) {
      created.close();
      signalling = null;
      state = { connected: false, presence: null, intent: null, ringing: [], live: [], request: null, error: null };
    }
  };
  created.connect();
  return created;
}

/** The call page's address; a page opened with ?ice=relay (TURN only) keeps it for the call. */
export function callHref(sessionId: string): string {
  const relay = new URLSearchParams(location.search).get("ice") === "relay";
  return `/call/${encodeURIComponent(sessionId)}${relay ? "?ice=relay" : ""}`;
}

async function hello(socket: Signalling): Promise<void> {
  try {
    const reply = await socket.request("hello");
    const sessions = (reply["sessions"] as Session[] | undefined) ?? [];
    const presence = (reply["presence"] as CallsState["presence"] | undefined) ?? null;
    update({
      presence,
      intent: state.intent ?? (presence === null ? null : presence === "offline" ? "offline" : "online"),
      ringing: sessions.filter((s) => s.state === "requested" && s.role === "expert"),
      live: sessions.filter((s) => s.state === "accepted" || s.state === "active"),
    });
  } catch (error) {
    update({ error: asApiError(error).message });
  }
}

/** The expert says online or offline. */
export async function setOnline(online: boolean): Promise<void> {
  const reply = await connection().request("presence", { status: online ? "online" : "offline" });
  update({ intent: online ? "online" : "offline", presence: (reply["presence"] as CallsState["presence"]) ?? null });
}

/** The client asks an expert for a call; the request's state follows from the server's events. */
export async function requestCall(
  expert: { expert_id: string; name: string },
  media: Media,
  paymentMethod: string | null,
): Promise<void> {
  update({ request: { sessionId: null, expertName: expert.name, media, text: `Calling ${expert.name}…`, live: true, paymentFailed: null } });
  try {
    const reply = await connection().request("session.request", {
      expert_id: expert.expert_id,
      media,
      ...(paymentMethod ? { payment_method_id: paymentMethod } : {}),
    });
    const session = reply["session"] as Session;
    (window as unknown as { parleyRequestedAt: number }).parleyRequestedAt = performance.now();
    if (state.request?.live) update({ request: { ...state.request, sessionId: session.session_id } });
  } catch (error) {
    update({ request: null });
    throw error;
  }
}

export async function cancelRequest(): Promise<void> {
  const request = state.request;
  if (!request?.sessionId) return;
  await connection().request("session.cancel", { session_id: request.sessionId });
  closeRequest(request.sessionId, "You cancelled the request.");
}

/** Another card for the request whose card failed. */
export async function sendCard(paymentMethod: string): Promise<void> {
  const request = state.request;
  if (!request?.sessionId) return;
  await app.api.post("/sessions/{session_id}/card", {
    path: { session_id: request.sessionId },
    body: { payment_method_id: paymentMethod },
  });
  update({ request: { ...request, paymentFailed: null, text: `Calling ${request.expertName}…` } });
}

export function dismissRequest(): void {
  if (!state.request?.live) update({ request: null });
}

function closeRequest(sessionId: string, text: string): void {
  if (state.request?.sessionId !== sessionId) return;
  update({ request: { ...state.request, text, live: false, paymentFailed: null } });
}

/** The expert answers a ringing call; accepting goes to the call page. */
export async function answer(session: Session, accept: boolean): Promise<void> {
  const reply = await connection().request(accept ? "session.accept" : "session.decline", { session_id: session.session_id });
  stopRinging(session.session_id);
  if (accept) {
    remember(reply["session"] as Session);
    navigate(callHref(session.session_id));
  }
}

function stopRinging(sessionId: string): void {
  if (state.ringing.some((s) => s.session_id === sessionId)) {
    update({ ringing: state.ringing.filter((s) => s.session_id !== sessionId) });
  }
}

// The latest view of each call seen here, so the call page can start without asking again.
const known = new Map<string, Session>();

export function remember(session: Session): void {
  known.set(session.session_id, session);
}

export function knownSession(sessionId: string): Session | undefined {
  return known.get(sessionId);
}

/** The client's side of an accepted call: the hold confirmed (3-D Secure) where the card asks for it. */
async function accepted(message: Message, session: Session): Promise<void> {
  const request = state.request;
  const mine = request?.sessionId === session.session_id || (request?.live && request.sessionId === null);
  if (!mine) return;
  const secret = typeof message["client_secret"] === "string" ? message["client_secret"] : null;
  if (secret) {
    update({ request: { ...request!, sessionId: session.session_id, text: "Accepted: confirm the card with your bank…" } });
    try {
      await confirmHold(secret);
      await app.api.post("/sessions/{session_id}/confirm-card", { path: { session_id: session.session_id } });
    } catch (error) {
      update({ request: { ...state.request!, text: `The card was not confirmed: ${asApiError(error).message}` } });
      return;
    }
  }
  update({ request: { ...request!, sessionId: session.session_id, text: "Accepted: joining the call…", live: false } });
  navigate(callHref(session.session_id));
}

function onMessage(message: Message): void {
  const session = message["session"] as Session | undefined;
  if (session?.session_id) remember(session);
  const sessionId = String(message["session_id"] ?? session?.session_id ?? "");
  switch (message.type) {
    case "session.requested":
      if (session && session.role === "expert" && !state.ringing.some((s) => s.session_id === sessionId)) {
        update({ ringing: [...state.ringing, session] });
      }
      return;
    case "session.accepted":
      stopRinging(sessionId);
      if (session && session.role === "client") void accepted(message, session);
      return;
    case "session.declined":
      stopRinging(sessionId);
      closeRequest(sessionId, "The expert declined the call.");
      return;
    case "session.cancelled":
      stopRinging(sessionId);
      closeRequest(sessionId, "The request was cancelled.");
      return;
    case "session.expired":
      stopRinging(sessionId);
      closeRequest(sessionId, "No answer: the request expired.");
      return;
    case "session.payment_failed": {
      if (state.request?.sessionId !== sessionId) return;
      const failed = (session as { payment_failed?: { message?: string } } | undefined)?.payment_failed;
      update({ request: { ...state.request, paymentFailed: failed?.message ?? "The card was declined." } });
      return;
    }
    case "session.ended":
      stopRinging(sessionId);
      closeRequest(sessionId, "The call ended.");
      update({ live: state.live.filter((s) => s.session_id !== sessionId) });
      return;
  }
}
