// /calls: an expert goes online or offline and answers what waits on them (calls ringing, booking
// requests), each with the time left to answer; a client sees the experts online now and calls one.
// /call?expert=<id>: call one expert (from their profile or personal link).
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, everyPage, type Answer } from "../../api";
import { app } from "../../app/context";
import { Link } from "../../app/router";
import { money, timeLeft, when } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { ActionButton, ErrorNote } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { answer, setOnline, useCalls, type Session } from "./connection";
import { ExpertToCall, PaymentChoice, RequestState, type Payment } from "./request";

type Booking = Answer<"/bookings">["items"][number];

/** Now, again every second while mounted: for the time left to answer. */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** The time left until `iso`: seconds under two minutes ("45 s"), else minutes and hours. */
export function answerWithin(iso: string | null | undefined, now: number): string {
  if (!iso) return "";
  const seconds = Math.max(0, Math.ceil((new Date(iso).getTime() - now) / 1000));
  if (seconds === 0) return "no time left";
  if (seconds < 120) return `${seconds} s left to answer`;
  return `${timeLeft(iso, now)} left to answer`;
}

async function expertProfile(): Promise<Answer<"/experts/me"> | null> {
  return app.api.get("/experts/me").catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  });
}

export function CallsPage(): JSX.Element {
  const profile = useLoad(expertProfile, []);
  return (
    <Page title="Calls">
      <Await loaded={profile} what="your calls">
        {(expert) => (
          <>
            <LiveCalls />
            {expert ? <ExpertCalls /> : <ClientCalls />}
          </>
        )}
      </Await>
    </Page>
  );
}

/** Calls of this person under way (a reload, another tab): back to the call. */
function LiveCalls(): JSX.Element | null {
  const calls = useCalls();
  if (!calls.live.length) return null;
  return (
    <section aria-labelledby="live-title">
      <h2 id="live-title">Calls under way</h2>
      <ul>
        {calls.live.map((session) => (
          <li key={session.session_id}>
            A {session.media} call ({session.state}).{" "}
            <Link href={`/call/${encodeURIComponent(session.session_id)}`}>Return to the call</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

function presenceText(presence: string | null, intent: string | null, connected: boolean): string {
  if (!connected) return "Connecting to Parley…";
  if (presence === "busy") return "You are in a call: shown busy until it ends.";
  if (intent === "online" && presence === "online") return "You are online: calls ring here.";
  if (intent === "online") return "You said online; connecting this device…";
  return "You are offline: no call rings.";
}

function ExpertCalls(): JSX.Element {
  const calls = useCalls();
  const online = calls.intent === "online";
  const toggle = useAction(() => setOnline(!online));
  return (
    <>
      <section aria-labelledby="presence-title">
        <h2 id="presence-title">Your presence</h2>
        <button
          type="button"
          class={online ? undefined : "primary"}
          aria-pressed={online ? "true" : "false"}
          disabled={toggle.busy || !calls.connected}
          onClick={() => void toggle.run()}
        >
          {online ? "Go offline" : "Go online"}
        </button>
        <p role="status">{presenceText(calls.presence, calls.intent, calls.connected)}</p>
        <ErrorNote error={toggle.error} />
      </section>
      <IncomingCalls ringing={calls.ringing} />
      <BookingRequests />
    </>
  );
}

function IncomingCalls({ ringing }: { ringing: Session[] }): JSX.Element {
  const now = useNow();
  return (
    <section aria-labelledby="incoming-title">
      <h2 id="incoming-title">Incoming calls</h2>
      <ul class="ringing" aria-live="assertive">
        {ringing.map((session) => (
          <Ringing key={session.session_id} session={session} now={now} />
        ))}
      </ul>
      {!ringing.length && <p class="muted">No call is ringing.</p>}
    </section>
  );
}

function Ringing({ session, now }: { session: Session; now: number }): JSX.Element {
  const accept = useAction(() => answer(session, true));
  const decline = useAction(() => answer(session, false));
  const rate = session.tariff.rate_per_minute;
  return (
    <li class="card">
      <p>
        <strong>A {session.media} call is ringing</strong>
        {rate !== null ? ` · ${money(rate, session.tariff.currency)} a minute` : ""}
      </p>
      <p class="muted">{answerWithin(session.expires_at, now)}</p>
      <div class="row">
        <button type="button" class="primary" disabled={accept.busy} onClick={() => void accept.run()}>
          Accept
        </button>
        <button type="button" disabled={decline.busy} onClick={() => void decline.run()}>
          Decline
        </button>
      </div>
      <ErrorNote error={accept.error ?? decline.error} />
    </li>
  );
}

function bookingRequests(): Promise<Booking[]> {
  return everyPage(
    (cursor) =>
      app.api.get("/bookings", {
        query: { as: "expert", when: "upcoming", status: "requested", limit: 50, ...(cursor ? { cursor } : {}) },
      }),
    5,
  );
}

function BookingRequests(): JSX.Element {
  const loaded = useLoad(bookingRequests, []);
  const now = useNow();
  return (
    <section aria-labelledby="bookings-title">
      <h2 id="bookings-title">Booking requests</h2>
      <Await loaded={loaded} what="booking requests">
        {(bookings) =>
          bookings.length ? (
            <ul class="cards">
              {bookings.map((booking) => (
                <BookingRequest key={booking.appointment_id} booking={booking} now={now} done={loaded.reload} />
              ))}
            </ul>
          ) : (
            <p class="muted">No booking request awaits your answer.</p>
          )
        }
      </Await>
    </section>
  );
}

function BookingRequest({ booking, now, done }: { booking: Booking; now: number; done: () => void }): JSX.Element {
  const path = { appointment_id: booking.appointment_id };
  const approve = useAction(async () => {
    await app.api.post("/bookings/{appointment_id}/approve", { path });
    done();
  });
  const decline = useAction(async () => {
    await app.api.post("/bookings/{appointment_id}/decline", { path });
    done();
  });
  const what = booking.service_name ?? (booking.kind === "free_consultation" ? "Free consultation" : "Session");
  return (
    <li class="card">
      <p>
        <strong>{what}</strong> · {when(booking.start)} · {booking.minutes} min
      </p>
      {booking.amount !== null && booking.currency && <p>Held on the card: {money(booking.amount, booking.currency)}</p>}
      {booking.note && <p class="muted">“{booking.note}”</p>}
      <p class="muted">{answerWithin(booking.approval_expires_at, now)}</p>
      <div class="row">
        <ActionButton action={approve} class="primary" label={`Approve the booking of ${when(booking.start)}`}>
          Approve
        </ActionButton>
        <ActionButton action={decline} label={`Decline the booking of ${when(booking.start)}`}>
          Decline
        </ActionButton>
      </div>
    </li>
  );
}

function ClientCalls(): JSX.Element {
  const experts = useLoad(() => app.api.get("/experts", { query: { online: true, limit: 20 } }), []);
  const payment = useRef<Payment>({ method: async () => null });
  return (
    <section aria-labelledby="online-title">
      <h2 id="online-title">Experts online now</h2>
      <PaymentChoice payment={(chosen) => (payment.current = chosen)} />
      <RequestState />
      <Await loaded={experts} what="the experts online">
        {(page) =>
          page.items.length ? (
            <ul class="cards">
              {page.items.map((expert) => (
                <ExpertToCall key={expert.expert_id} expert={expert} payment={() => payment.current} />
              ))}
            </ul>
          ) : (
            <p>
              No expert is online right now. <button type="button" onClick={experts.reload}>Look again</button>
            </p>
          )
        }
      </Await>
    </section>
  );
}

/** /call?expert=<expert_id>: one expert, by voice or video. */
export function CallExpertPage({ expertId }: { expertId: string }): JSX.Element {
  const expert = useLoad(() => app.api.get("/experts/{expert_id}", { path: { expert_id: expertId } }), [expertId]);
  const payment = useRef<Payment>({ method: async () => null });
  return (
    <Page title="Call an expert">
      {!expertId ? (
        <p>
          Choose an expert to call: <Link href="/calls">the experts online now</Link>.
        </p>
      ) : (
        <Await loaded={expert} what="the expert">
          {(found) => (
            <>
              <PaymentChoice payment={(chosen) => (payment.current = chosen)} />
              <ul class="cards">
                <ExpertToCall expert={found} payment={() => payment.current} />
              </ul>
              <RequestState />
              <p class="muted">
                {found.presence === "online"
                  ? `${found.name} is online now.`
                  : found.presence === "busy"
                    ? `${found.name} is in a call.`
                    : `${found.name} is offline; a call can be requested when they are online.`}
              </p>
            </>
          )}
        </Await>
      )}
    </Page>
  );
}
