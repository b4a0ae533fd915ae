// /call/:sessionId: the call itself, whichever way it started (an instant call, or a booked
// appointment's call): both videos, the state line, the 90-minute warning, the meter, Mute,
// video on/off and Hang up. A reload of this address joins the same call again.
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { Link, navigate, type Route } from "../../app/router";
import { app } from "../../app/context";
import { asApiError, useAction } from "../../ui/async";
import { ErrorNote } from "../../ui/forms";
import { Page } from "../../ui/page";
import { CallController } from "./controller";

function peerName(expertId: string, role: string): Promise<string> {
  if (role !== "client") return Promise.resolve("your client");
  return app.api.get("/experts/{expert_id}", { path: { expert_id: expertId } }).then(
    (expert) => expert.name,
    () => "the expert",
  );
}

export function CallPage({ sessionId, route }: { sessionId: string; route: Route }): JSX.Element {
  const local = useRef<HTMLVideoElement>(null);
  const remote = useRef<HTMLVideoElement>(null);
  const [, setTick] = useState(0);
  const redraw = () => setTick((n) => n + 1);
  const [controller] = useState(
    () =>
      new CallController(
        sessionId,
        route.query.get("ice") === "relay" ? "relay" : "all",
        redraw,
        () => navigate(`/call/${encodeURIComponent(sessionId)}/receipt`, true),
      ),
  );
  const [who, setWho] = useState("");
  useEffect(() => {
    void controller.start(local.current!, remote.current!).catch((error: unknown) => {
      controller.view = { ...controller.view, error: asApiError(error).message };
      redraw();
    });
    return () => controller.dispose();
  }, [controller]);
  const view = controller.view;
  const session = view.session;
  useEffect(() => {
    if (session && !who) void peerName(session.expert_id, session.role).then(setWho);
  }, [session?.session_id]);
  const hangUp = useAction(() => controller.hangUp());
  const video = useAction(() => controller.toggleVideo());
  const inCall = view.phase === "call";
  return (
    <Page title="Your call">
      {session && (
        <p>
          A {session.media} call{who ? ` with ${who}` : ""}.
        </p>
      )}
      <p class="call-status" role="status" aria-label="Call status">
        {view.status}
      </p>
      {view.error && (
        <p class="error" role="alert">
          {view.error}
        </p>
      )}
      {view.warning && (
        <p class="warning" role="alert">
          {view.warning}
        </p>
      )}
      {view.phase === "failed" && (
        <p>
          <Link href="/calls">Back to your calls</Link>
        </p>
      )}
      {(view.phase === "closed" || view.phase === "ringing") && (
        <p>
          <Link href="/calls">{view.phase === "ringing" ? "Answer it on your calls page" : "Back to your calls"}</Link>
        </p>
      )}
      <div class="videos" hidden={!inCall}>
        <figure>
          <video ref={remote} autoplay playsInline aria-label="The other side's video" />
          <figcaption>
            <span role="status">{view.remoteCamera ? "Their camera is on" : "Their camera is off"}</span>
          </figcaption>
        </figure>
        <figure>
          <video ref={local} autoplay playsInline muted aria-label="Your video" />
          <figcaption>You{view.videoOn ? "" : " (camera off)"}</figcaption>
        </figure>
      </div>
      {inCall && (
        <>
          <p class="meter" role="status" aria-label="Meter">
            {view.meter}
          </p>
          <div class="controls">
            <button type="button" aria-pressed={view.muted ? "true" : "false"} onClick={() => controller.toggleMute()}>
              {view.muted ? "Unmute" : "Mute"}
            </button>
            <button
              type="button"
              aria-pressed={view.videoOn ? "true" : "false"}
              disabled={video.busy}
              onClick={() => void video.run()}
            >
              {view.videoOn ? "Turn video off" : "Turn video on"}
            </button>
            <button type="button" class="danger" disabled={hangUp.busy} onClick={() => void hangUp.run()}>
              Hang up
            </button>
          </div>
          <ErrorNote error={video.error ?? hangUp.error} />
        </>
      )}
    </Page>
  );
}
