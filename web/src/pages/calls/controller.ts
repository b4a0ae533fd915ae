// One call on this page: its media (PeerCall), joining it over the shared connection, joining
// again after a dropped socket or a reload, and what the page shows (state line, warning, meter,
// the other side's camera). The page renders `state`; the controller knows nothing of Preact.
import { ApiError } from "../../api";
import { app } from "../../app/context";
import { PeerCall } from "../../call";
import type { Message, Signalling } from "../../socket";
import { asApiError } from "../../ui/async";
import { connection, knownSession, remember, type Session } from "./connection";
import { LiveMeter } from "./meter";

export type CallView = {
  phase: "loading" | "ringing" | "call" | "ended" | "closed" | "failed";
  session: Session | null;
  /** The state line: "Joining…", "Connected", "Reconnecting…", … */
  status: string;
  warning: string | null;
  meter: string;
  remoteCamera: boolean;
  muted: boolean;
  videoOn: boolean;
  error: string | null;
};

const LIVE = new Set(["accepted", "active"]);
const CLOSED: Record<string, string> = {
  declined: "The expert declined this call.",
  cancelled: "This call was cancelled before it started.",
  expired: "Nobody answered: the request expired.",
};
const MEDIA_STATE: Record<string, string> = {
  connected: "Connected",
  connecting: "Connecting…",
  failed: "Reconnecting…",
  disconnected: "Reconnecting…",
};

type Debug = {
  stats: () => Promise<Record<string, unknown>>;
  connectedAt: () => number;
  dropSocket: () => void;
  iceRestarts: () => number;
  rejoins: () => number;
};

export class CallController {
  view: CallView = {
    phase: "loading",
    session: null,
    status: "Loading the call…",
    warning: null,
    meter: "",
    remoteCamera: false,
    muted: false,
    videoOn: false,
    error: null,
  };
  private call: PeerCall | null = null;
  private joined = false;
  private awaitingHold = false;
  private rejoins = 0;
  private disposed = false;
  private readonly signalling: Signalling;
  private readonly unsubscribe: (() => void)[] = [];
  /** Run here from the session's `meter`: the server sends no tick. */
  private readonly meter = new LiveMeter();
  private meterTicks: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly sessionId: string,
    private readonly policy: RTCIceTransportPolicy,
    private readonly onChange: () => void,
    /** The call ended: the page shows its receipt. */
    private readonly onEnded: (session: Session) => void,
  ) {
    this.signalling = connection();
  }

  private set(change: Partial<CallView>): void {
    if (this.disposed) return;
    if (change.session) this.meter.reset(change.session.meter);
    const view = { ...this.view, ...change };
    const meter = view.phase === "call" && view.session ? this.meter.text(view.session) : view.meter;
    this.view = { ...view, meter };
    this.onChange();
  }

  private fail(error: unknown): void {
    this.set({ error: asApiError(error).message });
  }

  async start(localVideo: HTMLVideoElement, remoteVideo: HTMLVideoElement): Promise<void> {
    this.unsubscribe.push(
      this.signalling.listen((message) => this.receive(message)),
      this.signalling.onOpen((reconnected) => {
        if (reconnected && this.joined && this.view.phase === "call") void this.join().catch((e: unknown) => this.fail(e));
      }),
      this.signalling.onDrop(() => {
        if (this.view.phase === "call") this.set({ status: "Connection lost; reconnecting…" });
      }),
    );
    let session: Session;
    try {
      session = await app.api.get("/sessions/{session_id}", { path: { session_id: this.sessionId } });
    } catch (error) {
      const known = knownSession(this.sessionId);
      if (!known || (error instanceof ApiError && error.status === 404)) {
        this.set({ phase: "failed", status: "", error: asApiError(error).message });
        return;
      }
      session = known;
    }
    remember(session);
    this.media = { localVideo, remoteVideo };
    await this.show(session);
  }

  private media: { localVideo: HTMLVideoElement; remoteVideo: HTMLVideoElement } | null = null;

  /** Shows the call as the session says it is: ringing, live (join it), ended or closed. */
  private async show(session: Session): Promise<void> {
    if (this.disposed) return;
    if (session.state === "ended") return this.finish(session);
    if (session.state in CLOSED) {
      this.set({ phase: "closed", session, status: CLOSED[session.state] ?? "" });
      return;
    }
    if (session.state === "requested") {
      const status = session.role === "client" ? "Waiting for the expert to answer…" : "This call is ringing.";
      this.set({ phase: "ringing", session, status });
      return;
    }
    if (LIVE.has(session.state)) await this.enter(session);
  }

  private async iceServers(): Promise<RTCIceServer[]> {
    try {
      const answer = await app.api.get("/sessions/{session_id}/ice-servers", { path: { session_id: this.sessionId } });
      return answer.ice_servers as RTCIceServer[];
    } catch (error) {
      // A stage without TURN answers 404: the call goes on with host candidates only.
      if (error instanceof ApiError && (error.status === 404 || error.status === 0)) return [];
      throw error;
    }
  }

  private async enter(session: Session): Promise<void> {
    if (this.call || !this.media) return;
    this.set({ phase: "call", session, status: "Joining…" });
    const call = new PeerCall(this.sessionId, this.signalling, await this.iceServers(), this.policy, {
      ...this.media,
      onState: (state) => {
        this.meter.setFlowing(state === "connected");
        if (this.view.phase === "call") this.set({ status: MEDIA_STATE[state] ?? this.view.status });
      },
      onError: (message) => this.set({ error: message }),
    });
    if (this.disposed) return;
    this.call = call;
    (window as unknown as { parleyDebug: Debug }).parleyDebug = {
      stats: () => call.stats(),
      connectedAt: () => call.connectedAt,
      dropSocket: () => this.signalling.drop(),
      iceRestarts: () => call.iceRestarts,
      rejoins: () => this.rejoins,
    };
    await call.startMicrophone();
    if (session.media === "video") await call.setVideo(true);
    this.controls();
    this.meterTicks = setInterval(() => {
      if (this.view.phase === "call") this.set({});
    }, 1000);
    await this.join();
  }

  private async join(): Promise<void> {
    const call = this.call;
    if (!call || this.disposed) return;
    try {
      const reply = await this.signalling.request("session.join", { session_id: this.sessionId });
      if (this.joined) this.rejoins += 1;
      this.joined = true;
      this.awaitingHold = false;
      const session = reply["session"] as Session | undefined;
      if (session) this.set({ session });
      if (!reply["peer_present"]) this.set({ status: "Waiting for the other side…" });
      if (reply["you_offer"]) {
        if (call.pc && call.pc.connectionState !== "closed") call.restartIce();
        else call.open(true);
      }
    } catch (error) {
      const code = asApiError(error).code;
      if (code === "card_not_held" || code === "card_not_confirmed") {
        this.awaitingHold = true;
        this.set({ status: "Waiting for the card to be confirmed…" });
        return;
      }
      if (code.startsWith("session_")) {
        const session = await app.api.get("/sessions/{session_id}", { path: { session_id: this.sessionId } });
        if (session.state === "ended") return this.finish(session);
      }
      throw error;
    }
  }

  private controls(): void {
    if (!this.call) return;
    this.set({ muted: this.call.muted, videoOn: this.call.videoOn });
  }

  toggleMute(): void {
    const call = this.call;
    if (!call) return;
    call.setMuted(!call.muted);
    this.controls();
    void this.signalling
      .request("media.toggle", { session_id: this.sessionId, kind: "audio", enabled: !call.muted })
      .catch(() => undefined);
  }

  async toggleVideo(): Promise<void> {
    const call = this.call;
    if (!call) return;
    await call.setVideo(!call.videoOn);
    this.controls();
    await this.signalling.request("media.toggle", { session_id: this.sessionId, kind: "video", enabled: call.videoOn });
  }

  async hangUp(): Promise<void> {
    const reply = await this.signalling.request("session.hang_up", { session_id: this.sessionId });
    const session = reply["session"] as Session;
    if (session.state === "ended") this.finish(session);
    else if (session.state in CLOSED) void this.show(session);
  }

  private finish(session: Session): void {
    remember(session);
    this.call?.stop();
    this.call = null;
    if (this.meterTicks !== null) clearInterval(this.meterTicks);
    if (this.view.phase === "ended") return;
    this.set({ phase: "ended", session });
    this.onEnded(session);
  }

  private receive(message: Message): void {
    const session = message["session"] as Session | undefined;
    const id = String(message["session_id"] ?? session?.session_id ?? "");
    if (id !== this.sessionId || this.disposed) return;
    const call = this.call;
    switch (message.type) {
      case "session.accepted":
      case "session.declined":
      case "session.cancelled":
      case "session.expired":
        if (session && this.view.phase === "ringing") void this.show(session).catch((e: unknown) => this.fail(e));
        return;
      case "session.hold_ready":
        if (this.awaitingHold) void this.join().catch((e: unknown) => this.fail(e));
        return;
      case "session.left":
        this.meter.setFlowing(false);
        this.set({ status: "The other side dropped; waiting for them to come back…" });
        return;
      case "session.joined":
      case "session.active":
        if (session) this.set({ session });
        if (call?.pc?.connectionState !== "connected") this.set({ status: "Connecting…" });
        return;
      case "session.warning": {
        const left = Number(message["minutes_left"]);
        this.set({ warning: `${left} minute${left === 1 ? "" : "s"} left: calls end at 90 minutes.` });
        return;
      }
      case "session.ended":
        if (session) this.finish(session);
        return;
      case "signal.offer":
      case "signal.answer":
      case "signal.ice":
        call?.receive(message.type, message["payload"]).catch((e: unknown) => this.fail(e));
        return;
      case "media.toggle":
        if (message["kind"] === "video") this.set({ remoteCamera: Boolean(message["enabled"]) });
        return;
      case "error":
        this.fail(message);
        return;
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.meterTicks !== null) clearInterval(this.meterTicks);
    for (const stop of this.unsubscribe) stop();
    this.call?.stop();
    this.call = null;
  }
}
