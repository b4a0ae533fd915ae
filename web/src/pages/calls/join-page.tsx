// /bookings/:bookingId/join: a booked appointment's call. Opens (or joins again) the booking's one
// call session with POST /bookings/{id}/call and goes to the call page; when the call cannot be
// joined yet (or any more) the API's reason is shown with the way back to the booking.
import type { JSX } from "preact";
import { useEffect } from "preact/hooks";
import { Link, navigate } from "../../app/router";
import { app } from "../../app/context";
import { useLoad } from "../../ui/async";
import { Await, Page } from "../../ui/page";
import { callHref, remember, type Session } from "./connection";

async function openCall(bookingId: string): Promise<Session> {
  const session = (await app.api.post("/bookings/{appointment_id}/call", {
    path: { appointment_id: bookingId },
  })) as Session;
  remember(session);
  return session;
}

export function JoinPage({ bookingId }: { bookingId: string }): JSX.Element {
  const opened = useLoad(() => openCall(bookingId), [bookingId]);
  useEffect(() => {
    if (opened.state === "ready") navigate(callHref(opened.data.session_id), true);
  }, [opened.state]);
  return (
    <Page title="Join the call">
      <Await loaded={opened} what="the appointment's call">
        {() => <p role="status">Joining the call…</p>}
      </Await>
      {opened.state === "failed" && (
        <p>
          <Link href={`/bookings/${encodeURIComponent(bookingId)}`}>Back to the booking</Link>
        </p>
      )}
    </Page>
  );
}
