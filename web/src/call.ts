// One call's media: RTCPeerConnection with the call's ICE servers, trickle ICE, and the
// "perfect negotiation" pattern (the side told you_offer: false is the polite peer).
// Audio and video each have one transceiver from the first offer; video on and off is
// replaceTrack on it, so switching never needs a new offer, though either side may renegotiate.
import type { Signalling } from "./socket";

export interface CallMedia {
  localVideo: HTMLVideoElement;
  remoteVideo: HTMLVideoElement;
  onState: (state: RTCPeerConnectionState) => void;
  onError: (message: string) => void;
}

export class PeerCall {
  pc: RTCPeerConnection | null = null;
  private makingOffer = false;
  private ignoreOffer = false;
  private polite = true;
  private audio: MediaStreamTrack | null = null;
  private camera: MediaStreamTrack | null = null;
  private readonly remote = new MediaStream();
  sdpSizes = { offer: 0, answer: 0 };
  connectedAt = 0;
  iceRestarts = 0;
  private mediaReported = false;

  constructor(
    private readonly sessionId: string,
    private readonly signalling: Signalling,
    private readonly iceServers: RTCIceServer[],
    private readonly policy: RTCIceTransportPolicy,
    private readonly media: CallMedia,
  ) {
    media.remoteVideo.srcObject = this.remote;
  }

  async startMicrophone(): Promise<void> {
    if (this.audio) return;
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    this.audio = stream.getAudioTracks()[0] ?? null;
  }

  get muted(): boolean {
    return this.audio ? !this.audio.enabled : false;
  }

  setMuted(muted: boolean): void {
    if (this.audio) this.audio.enabled = !muted;
  }

  get videoOn(): boolean {
    return this.camera !== null;
  }

  async setVideo(on: boolean): Promise<void> {
    if (on && !this.camera) {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 } });
      this.camera = stream.getVideoTracks()[0] ?? null;
    } else if (!on && this.camera) {
      this.camera.stop();
      this.camera = null;
    }
    this.media.localVideo.srcObject = this.camera ? new MediaStream([this.camera]) : null;
    await this.videoSender()?.replaceTrack(this.camera);
  }

  /** Make the peer connection; the offering (impolite) side makes both transceivers and offers. */
  open(offering: boolean): void {
    this.close();
    this.polite = !offering;
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, iceTransportPolicy: this.policy });
    this.pc = pc;
    pc.onicecandidate = ({ candidate }) => this.signal("signal.ice", candidate ? candidate.toJSON() : null);
    pc.ontrack = ({ track }) => {
      this.remote.addTrack(track);
      track.onended = () => this.remote.removeTrack(track);
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === "connected" && !this.connectedAt) this.connectedAt = performance.now();
      if (pc.connectionState === "connected") this.reportMediaConnected();
      if (pc.connectionState === "failed") this.restartIce();
      this.media.onState(pc.connectionState);
    };
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        if (pc.localDescription) {
          this.sdpSizes.offer = pc.localDescription.sdp.length;
          this.signal("signal.offer", pc.localDescription.toJSON());
        }
      } catch (error) {
        this.media.onError(`Could not start the call's media: ${String(error)}`);
      } finally {
        this.makingOffer = false;
      }
    };
    if (offering) {
      pc.addTransceiver(this.audio ?? "audio", { direction: "sendrecv" });
      pc.addTransceiver(this.camera ?? "video", { direction: "sendrecv" });
    }
  }

  /** After a dropped socket or a failed path: new ICE candidates, same call (ICE restart). */
  restartIce(): void {
    this.iceRestarts += 1;
    this.pc?.restartIce();
  }

  async receive(type: string, payload: unknown): Promise<void> {
    if (type === "signal.ice") {
      if (!this.pc) return;
      try {
        await this.pc.addIceCandidate((payload as RTCIceCandidateInit | null) ?? undefined);
      } catch (error) {
        if (!this.ignoreOffer) this.media.onError(`A network candidate was refused: ${String(error)}`);
      }
      return;
    }
    const description = payload as RTCSessionDescriptionInit;
    if (!this.pc) this.open(false);
    let pc = this.pc!;
    const collision = description.type === "offer" && (this.makingOffer || pc.signalingState !== "stable");
    this.ignoreOffer = !this.polite && collision;
    if (this.ignoreOffer) return;
    try {
      await pc.setRemoteDescription(description);
    } catch (error) {
      if (description.type !== "offer") throw error;
      this.open(false); // the other page was reloaded: its offer is for a new connection
      pc = this.pc!;
      await pc.setRemoteDescription(description);
    }
    if (description.type === "offer") {
      await this.attachTracks(pc);
      await pc.setLocalDescription();
      if (pc.localDescription) {
        this.sdpSizes.answer = pc.localDescription.sdp.length;
        this.signal("signal.answer", pc.localDescription.toJSON());
      }
    }
  }

  private async attachTracks(pc: RTCPeerConnection): Promise<void> {
    for (const transceiver of pc.getTransceivers()) {
      const kind = transceiver.receiver.track.kind;
      if (transceiver.direction !== "sendrecv") transceiver.direction = "sendrecv";
      const track = kind === "audio" ? this.audio : this.camera;
      if (transceiver.sender.track !== track) await transceiver.sender.replaceTrack(track);
    }
  }

  private videoSender(): RTCRtpSender | undefined {
    return this.pc?.getTransceivers().find((t) => t.receiver.track.kind === "video")?.sender;
  }

  /** The call is billed only from the first report that its media connected (either side's);
   * a report that did not reach the server is sent again the next time the connection connects. */
  private reportMediaConnected(): void {
    if (this.mediaReported) return;
    this.mediaReported = true;
    this.signalling.request("media.connected", { session_id: this.sessionId }).catch(() => {
      this.mediaReported = false;
    });
  }

  private signal(action: string, payload: unknown): void {
    this.signalling.request(action, { session_id: this.sessionId, payload }).catch((error: { message?: string }) => {
      this.media.onError(error.message ?? "Signalling failed.");
    });
  }

  close(): void {
    this.pc?.close();
    this.pc = null;
    for (const track of this.remote.getTracks()) this.remote.removeTrack(track);
  }

  stop(): void {
    this.close();
    this.audio?.stop();
    this.camera?.stop();
    this.audio = this.camera = null;
    this.media.localVideo.srcObject = null;
  }

  /** What the tests and a curious user read: the selected pair and the bytes received. */
  async stats(): Promise<Record<string, unknown>> {
    const sdp = this.pc?.currentRemoteDescription?.sdp ?? "";
    const result: Record<string, unknown> = {
      state: this.pc?.connectionState ?? "none",
      remoteIceUfrag: /a=ice-ufrag:(\S+)/.exec(sdp)?.[1] ?? null, // changes with every ICE restart
      ...this.sdpSizes,
    };
    if (!this.pc) return result;
    const report = await this.pc.getStats();
    const byId = new Map<string, Record<string, unknown>>();
    report.forEach((entry: Record<string, unknown>) => byId.set(String(entry["id"]), entry));
    for (const entry of byId.values()) {
      if (entry["type"] === "inbound-rtp") result[`${String(entry["kind"])}BytesReceived`] = entry["bytesReceived"];
      if (entry["type"] === "transport" && entry["selectedCandidatePairId"]) {
        const pair = byId.get(String(entry["selectedCandidatePairId"]));
        result["localCandidateType"] = byId.get(String(pair?.["localCandidateId"]))?.["candidateType"];
        result["remoteCandidateType"] = byId.get(String(pair?.["remoteCandidateId"]))?.["candidateType"];
      }
    }
    return result;
  }
}
