// Parley's web client, first page: sign in, then call an online expert (or, as an expert, take calls).
import "./style.css";
import { Api, type Answer } from "./api";
import { ApiError, savedToken, signIn, signOut } from "./auth";
import { PeerCall } from "./call";
import { loadConfig, type Config } from "./config";
import { $, el, show } from "./dom";
import { duration, endReason, money } from "./format";
import { Signalling, type Message } from "./socket";

// A call's session as the API answers it (the WebSocket's session events carry the same view).
type Session = Answer<"/sessions/{session_id}">;
type Expert = Answer<"/experts">["items"][number] | Answer<"/experts/{expert_id}">;

let config: Config;
let api: Api;
let signalling: Signalling;
let role: "client" | "expert" = "client";
let online = false;
let current: { session: Session; call: PeerCall; joined: boolean; receipt: boolean } | null = null;
let pendingRequest: string | null = null;
const ringing = new Map<string, Session>();
let rejoins = 0; // joins of the same call after a dropped socket
const params = new URLSearchParams(location.search);
const CALL_KEY = "parley.call";

function showError(error: unknown): void {
  const message =
    error instanceof ApiError || error instanceof Error
      ? error.message
      : typeof error === "object" && error && "message" in error
        ? String((error as { message: unknown }).message)
        : String(error);
  $("error").textContent = message;
  show("error", Boolean(message));
}

function clearError(): void {
  showError("");
}

function view(name: "sign-in" | "expert-home" | "client-home" | "call" | "receipt"): void {
  for (const id of ["sign-in", "expert-home", "client-home", "call", "receipt"]) show(id, id === name);
}

async function start(): Promise<void> {
  config = await loadConfig();
  api = new Api(config.api_url, savedToken);
  $<HTMLFormElement>("sign-in").addEventListener("submit", (event) => {
    event.preventDefault();
    const email = $<HTMLInputElement>("email").value.trim();
    const password = $<HTMLInputElement>("password").value;
    clearError();
    signIn(config, email, password).then(home, showError);
  });
  $("sign-out").addEventListener("click", () => {
    signalling?.close();
    signOut();
    location.reload();
  });
  $("presence").addEventListener("click", () => setOnline(!online).catch(showError));
  $("hang-up").addEventListener("click", () => hangUp().catch(showError));
  $("mute").addEventListener("click", toggleMute);
  $("video-toggle").addEventListener("click", () => toggleVideo().catch(showError));
  $("cancel-request").addEventListener("click", () => cancelRequest().catch(showError));
  $("receipt-done").addEventListener("click", () => {
    current = null;
    view(role === "expert" ? "expert-home" : "client-home");
    if (role === "client") listExperts().catch(showError);
  });
  if (savedToken()) await home();
  else view("sign-in");
}

async function home(): Promise<void> {
  const me = await api.get("/accounts/me");
  role = await api.get("/experts/me").then(
    () => "expert" as const,
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return "client" as const;
      throw error;
    },
  );
  $("who").textContent = `Signed in as ${me.display_name ?? "you"} (${role})`;
  show("sign-out");
  signalling = new Signalling(config.ws_url, savedToken);
  signalling.listen(onMessage);
  signalling.onOpen = (reconnected) => {
    if (online) void setOnline(true).catch(showError);
    if (reconnected && current && !current.receipt) void join().catch(showError);
  };
  signalling.onDrop = () => {
    if (current && !current.receipt) $("call-state").textContent = "Connection lost; reconnecting…";
  };
  signalling.connect();
  const unfinished = sessionStorage.getItem(CALL_KEY);
  if (unfinished) {
    sessionStorage.removeItem(CALL_KEY);
    const session = await api.get("/sessions/{session_id}", { path: { session_id: unfinished } }).catch(() => null);
    if (session && (session.state === "accepted" || session.state === "active")) return enterCall(session);
  }
  if (role === "expert") {
    view("expert-home");
  } else {
    view("client-home");
    $<HTMLInputElement>("card").value = config.demo_payment_method ?? "";
    await listExperts();
  }
}

async function setOnline(on: boolean): Promise<void> {
  await signalling.request("presence", { status: on ? "online" : "offline" });
  online = on;
  $("presence").textContent = on ? "Go offline" : "Go online";
  $("presence").setAttribute("aria-pressed", String(on));
  $("presence-state").textContent = on ? "You are online: calls ring here." : "You are offline.";
}

async function listExperts(): Promise<void> {
  const wanted = params.get("expert");
  const experts = wanted
    ? [await api.get("/experts/{expert_id}", { path: { expert_id: wanted } })]
    : (await api.get("/experts", { query: { online: true, limit: 20 } })).items;
  const list = $("experts");
  list.replaceChildren();
  for (const expert of experts) {
    const rate = expert.rate_per_minute === null ? "" : ` · ${money(expert.rate_per_minute, expert.currency)} a minute`;
    const item = el("li", "", { "data-expert-id": expert.expert_id });
    item.append(el("span", `${expert.name}${rate}`));
    for (const media of ["voice", "video"] as const) {
      const button = el("button", media === "voice" ? "Voice call" : "Video call", {
        type: "button",
        "data-media": media,
        "aria-label": `${media === "voice" ? "Voice" : "Video"} call with ${expert.name}`,
      });
      button.addEventListener("click", () => requestCall(expert, media).catch(showError));
      item.append(button);
    }
    list.append(item);
  }
  if (!experts.length) list.append(el("li", "No expert is online right now."));
}

async function requestCall(expert: Expert, media: "voice" | "video"): Promise<void> {
  clearError();
  const card = $<HTMLInputElement>("card").value.trim();
  const reply = await signalling.request("session.request", {
    expert_id: expert.expert_id,
    media,
    ...(card ? { payment_method_id: card } : {}),
  });
  pendingRequest = (reply["session"] as Session).session_id;
  (window as unknown as { parleyRequestedAt: number }).parleyRequestedAt = performance.now();
  $("request-state").textContent = `Calling ${expert.name}…`;
  show("cancel-request");
}

async function cancelRequest(): Promise<void> {
  if (!pendingRequest) return;
  await signalling.request("session.cancel", { session_id: pendingRequest });
  requestClosed("You cancelled the request.");
}

function requestClosed(text: string): void {
  pendingRequest = null;
  $("request-state").textContent = text;
  show("cancel-request", false);
}

function ring(session: Session): void {
  ringing.set(session.session_id, session);
  const item = el("li", `A ${session.media} call is ringing.`, { "data-session-id": session.session_id });
  const accept = el("button", "Accept", { type: "button", "data-answer": "accept" });
  const decline = el("button", "Decline", { type: "button", "data-answer": "decline" });
  accept.addEventListener("click", () => answer(session, true).catch(showError));
  decline.addEventListener("click", () => answer(session, false).catch(showError));
  item.append(accept, decline);
  $("ringing").append(item);
}

function stopRinging(sessionId: string): void {
  ringing.delete(sessionId);
  document.querySelector(`#ringing [data-session-id="${CSS.escape(sessionId)}"]`)?.remove();
}

async function answer(session: Session, accept: boolean): Promise<void> {
  clearError();
  const reply = await signalling.request(accept ? "session.accept" : "session.decline", {
    session_id: session.session_id,
  });
  stopRinging(session.session_id);
  if (accept) await enterCall(reply["session"] as Session);
}

async function iceServers(sessionId: string): Promise<RTCIceServer[]> {
  try {
    return (await api.get("/sessions/{session_id}/ice-servers", { path: { session_id: sessionId } })).ice_servers;
  } catch (error) {
    // A stage without the route yet answers 404 (or, for the browser, a preflight without CORS
    // headers: status 0): the call goes on with host candidates only.
    if (error instanceof ApiError && (error.status === 404 || error.status === 0)) return [];
    throw error;
  }
}

async function enterCall(session: Session): Promise<void> {
  if (current?.session.session_id === session.session_id) return;
  const policy: RTCIceTransportPolicy = params.get("ice") === "relay" ? "relay" : "all";
  const call = new PeerCall(session.session_id, signalling, await iceServers(session.session_id), policy, {
    localVideo: $<HTMLVideoElement>("local-video"),
    remoteVideo: $<HTMLVideoElement>("remote-video"),
    onState: (state) => {
      const text: Record<string, string> = { connected: "Connected", connecting: "Connecting…", failed: "Reconnecting…", disconnected: "Reconnecting…" };
      if (current && !current.receipt) $("call-state").textContent = text[state] ?? $("call-state").textContent ?? "";
    },
    onError: (message) => showError(message),
  });
  current = { session, call, joined: false, receipt: false };
  sessionStorage.setItem(CALL_KEY, session.session_id); // a reload joins the same call again
  (window as unknown as { parleyDebug: unknown }).parleyDebug = {
    stats: () => call.stats(),
    connectedAt: () => call.connectedAt,
    dropSocket: () => signalling.drop(),
    iceRestarts: () => call.iceRestarts,
    rejoins: () => rejoins,
  };
  $("call-state").textContent = "Joining…";
  $("meter").textContent = "";
  show("warning", false);
  $("remote-video-state").textContent = "Camera off";
  view("call");
  await call.startMicrophone();
  if (session.media === "video") await call.setVideo(true);
  showControls();
  await join();
}

async function join(): Promise<void> {
  if (!current) return;
  const { call, session } = current;
  try {
    const reply = await signalling.request("session.join", { session_id: session.session_id });
    if (current.joined) rejoins += 1;
    current.joined = true;
    if (!reply["peer_present"]) $("call-state").textContent = "Waiting for the other side…";
    if (reply["you_offer"]) {
      if (call.pc && call.pc.connectionState !== "closed") call.restartIce();
      else call.open(true);
    }
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (code.startsWith("session_")) {
      return showEnded(await api.get("/sessions/{session_id}", { path: { session_id: session.session_id } }), "");
    }
    throw error;
  }
}

function showControls(): void {
  if (!current) return;
  const { call } = current;
  $("mute").textContent = call.muted ? "Unmute" : "Mute";
  $("mute").setAttribute("aria-pressed", String(call.muted));
  $("video-toggle").textContent = call.videoOn ? "Turn video off" : "Turn video on";
  $("video-toggle").setAttribute("aria-pressed", String(call.videoOn));
}

function toggleMute(): void {
  if (!current) return;
  current.call.setMuted(!current.call.muted);
  showControls();
  void signalling
    .request("media.toggle", { session_id: current.session.session_id, kind: "audio", enabled: !current.call.muted })
    .catch(() => {});
}

async function toggleVideo(): Promise<void> {
  if (!current) return;
  await current.call.setVideo(!current.call.videoOn);
  showControls();
  await signalling.request("media.toggle", {
    session_id: current.session.session_id,
    kind: "video",
    enabled: current.call.videoOn,
  });
}

async function hangUp(): Promise<void> {
  if (!current) return;
  const reply = await signalling.request("session.hang_up", { session_id: current.session.session_id });
  const session = reply["session"] as Session;
  if (session.state === "ended") showEnded(session, "hung_up");
}

function showEnded(session: Session, reason: string): void {
  if (!current || current.session.session_id !== session.session_id || current.receipt) return;
  current.receipt = true;
  sessionStorage.removeItem(CALL_KEY);
  current.call.stop();
  const bill = session.bill;
  const currency = session.tariff.currency;
  const lines = $("receipt-lines");
  lines.replaceChildren();
  const add = (term: string, value: string, name: string): void => {
    lines.append(el("dt", term), el("dd", value, { "data-receipt": name }));
  };
  add("Ended", endReason(reason || session.end_reason || "ended"), "reason");
  if (bill) {
    add("Time connected", duration(bill.billable_seconds), "duration");
    add("Billed minutes", String(bill.billed_minutes), "minutes");
    if (session.role === "client") add("Charged", money(bill.amount, currency), "amount");
    else if ("earnings" in bill) add("Your earnings", money(bill.earnings, currency), "earnings"); // the expert's bill
  }
  view("receipt");
  $("receipt").focus();
}

function onMessage(message: Message): void {
  const sessionId = String(message["session_id"] ?? (message["session"] as Session | undefined)?.session_id ?? "");
  const mine = current?.session.session_id === sessionId;
  switch (message.type) {
    case "session.requested":
      if (role === "expert") ring(message["session"] as Session);
      return;
    case "session.accepted":
      stopRinging(sessionId);
      if (role === "client" && pendingRequest === sessionId) {
        requestClosed("Accepted: joining the call…");
        void enterCall(message["session"] as Session).catch(showError);
      }
      return;
    case "session.declined":
      stopRinging(sessionId);
      if (pendingRequest === sessionId) requestClosed("The expert declined the call.");
      return;
    case "session.cancelled":
      stopRinging(sessionId);
      return;
    case "session.expired":
      stopRinging(sessionId);
      if (pendingRequest === sessionId) requestClosed("No answer: the request expired.");
      return;
    case "session.payment_failed":
      if (pendingRequest === sessionId) showError((message["session"] as { payment_failed?: { message?: string } }).payment_failed?.message ?? "The card was declined.");
      return;
    case "session.left":
      if (mine) $("call-state").textContent = "The other side dropped; waiting for them to come back…";
      return;
    case "session.joined":
    case "session.active":
      if (mine && current?.call.pc?.connectionState !== "connected") $("call-state").textContent = "Connecting…";
      return;
    case "session.warning":
      if (!mine) return;
      $("warning").textContent = `${String(message["minutes_left"])} minute${message["minutes_left"] === 1 ? "" : "s"} left: calls end at 90 minutes.`;
      show("warning");
      return;
    case "session.meter": {
      if (!mine) return;
      const currency = String(message["currency"]);
      const minutes = String(message["minutes"]);
      $("meter").textContent =
        role === "client"
          ? `${minutes} min · cost so far ${money(Number(message["client_cost"]), currency)}`
          : `${minutes} min · earned so far ${money(Number(message["expert_earnings"]), currency)}`;
      return;
    }
    case "session.ended":
      stopRinging(sessionId);
      if (pendingRequest === sessionId) requestClosed("The call ended.");
      showEnded(message["session"] as Session, String(message["reason"] ?? ""));
      return;
    case "signal.offer":
    case "signal.answer":
    case "signal.ice":
      if (mine) current!.call.receive(message.type, message["payload"]).catch(showError);
      return;
    case "media.toggle":
      if (mine && message["kind"] === "video") $("remote-video-state").textContent = message["enabled"] ? "Camera on" : "Camera off";
      return;
    case "error":
      showError(message);
      return;
  }
}

start().catch(showError);
