// /bookings: my bookings as a client, upcoming (soonest first) and past (latest first), times in
// my zone, each linking to its page; /bookings/:id: its state, time, price, call, receipts,
// reschedule and cancel (which says first what cancelling costs now).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { Answer } from "../../api";
import { app } from "../../app/context";
import { Link } from "../../app/router";
import { money, when } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { ActionButton, ErrorNote, Form } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { type Booking, ExpertName, type Slot, SlotPicker, slotText } from "./common";

const STATUS: Record<Booking["status"], string> = {
  holding: "Being made",
  awaiting_card: "Waiting for your card's confirmation",
  requested: "Waiting for the expert's approval",
  confirmed: "Confirmed",
  completed: "Took place",
  cancelled: "Cancelled",
  declined: "Declined by the expert",
  expired: "Expired: the expert did not answer",
};

function price(booking: Booking): string {
  if (booking.kind === "free_consultation") return "Free consultation";
  if (booking.charged !== null && booking.currency) return `${money(booking.charged, booking.currency)} charged`;
  if (booking.amount !== null && booking.currency) return `${money(booking.amount, booking.currency)} held`;
  return "";
}

export function BookingsPage(): JSX.Element {
  return (
    <Page title="My bookings">
      <BookingList when="upcoming" title="Upcoming" />
      <BookingList when="past" title="Past" />
    </Page>
  );
}

function BookingList({ when: period, title }: { when: "upcoming" | "past"; title: string }): JSX.Element {
  const first = useLoad(() => app.api.get("/bookings", { query: { as: "client", when: period, limit: 20 } }), [period]);
  const [more, setMore] = useState<{ items: Booking[]; next: string | null } | null>(null);
  const next = more ? more.next : first.state === "ready" ? first.data.next_cursor : null;
  const loadMore = useAction(async () => {
    if (!next) return;
    const page: Answer<"/bookings"> = await app.api.get("/bookings", { query: { as: "client", when: period, limit: 20, cursor: next } });
    setMore({ items: [...(more?.items ?? []), ...page.items], next: page.next_cursor });
  });
  const id = `bookings-${period}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <Await loaded={first} what={`${period} bookings`}>
        {(page) => {
          const items = [...page.items, ...(more?.items ?? [])];
          if (items.length === 0) return <p class="muted">No {period} bookings.</p>;
          return (
            <>
              <ul class="booking-list">
                {items.map((booking) => (
                  <li key={booking.appointment_id} class="card">
                    <Link href={`/bookings/${encodeURIComponent(booking.appointment_id)}`}>
                      {slotText(booking.start, booking.end)} with <ExpertName expertId={booking.expert_id} />
                    </Link>
                    <p class="muted">
                      {STATUS[booking.status]}
                      {price(booking) ? ` · ${price(booking)}` : ""}
                    </p>
                  </li>
                ))}
              </ul>
              {next && (
                <button type="button" disabled={loadMore.busy} onClick={() => void loadMore.run()}>
                  {loadMore.busy ? "Loading…" : `More ${period} bookings`}
                </button>
              )}
              <ErrorNote error={loadMore.error} />
            </>
          );
        }}
      </Await>
    </section>
  );
}

/** What a client's cancellation costs at `now`, by the terms agreed at booking (the API's own rule). */
export function cancellationCost(booking: Booking, now = Date.now()): number {
  if (booking.status !== "confirmed" || !booking.amount) return 0;
  if (now < new Date(booking.policy.free_cancellation_until).getTime()) return 0;
  return Math.floor((booking.amount * booking.policy.late_cancel_share_bps) / 10_000);
}

const OPEN: Booking["status"][] = ["awaiting_card", "requested", "confirmed"];

export function BookingPage({ bookingId }: { bookingId: string }): JSX.Element {
  const loaded = useLoad(() => app.api.get("/bookings/{appointment_id}", { path: { appointment_id: bookingId } }), [bookingId]);
  const [fresh, setFresh] = useState<Booking | null>(null);
  const booking = fresh ?? (loaded.state === "ready" ? loaded.data : null);
  return (
    <Page title="Your booking">
      {booking ? (
        <BookingView booking={booking} onChange={setFresh} />
      ) : (
        <Await loaded={loaded} what="the booking">
          {() => null}
        </Await>
      )}
    </Page>
  );
}

function BookingView({ booking, onChange }: { booking: Booking; onChange: (b: Booking) => void }): JSX.Element {
  const [mode, setMode] = useState<"view" | "move" | "cancel">("view");
  const open = OPEN.includes(booking.status) && new Date(booking.end).getTime() > Date.now();
  return (
    <>
      <dl class="facts booking-facts">
        <dt>With</dt>
        <dd>
          <ExpertName expertId={booking.expert_id} />
        </dd>
        <dt>When</dt>
        <dd>
          <time dateTime={booking.start}>{slotText(booking.start, booking.end)}</time> ({booking.minutes} minutes)
        </dd>
        <dt>State</dt>
        <dd>
          <span role="status">{STATUS[booking.status]}</span>
        </dd>
        <dt>Call</dt>
        <dd>{booking.media === "video" ? "Video call" : "Voice call"}</dd>
        <dt>Price</dt>
        <dd>{price(booking) || "—"}</dd>
        {booking.kind === "paid" && booking.status !== "cancelled" && (
          <>
            <dt>Free cancellation until</dt>
            <dd>{when(booking.policy.free_cancellation_until)}</dd>
          </>
        )}
        {booking.service_name && (
          <>
            <dt>Service</dt>
            <dd>{booking.service_name}</dd>
          </>
        )}
        {booking.note && (
          <>
            <dt>Your note</dt>
            <dd>{booking.note}</dd>
          </>
        )}
        {booking.approval_expires_at && (
          <>
            <dt>The expert answers by</dt>
            <dd>{when(booking.approval_expires_at)}</dd>
          </>
        )}
      </dl>
      {booking.call.joinable_now ? (
        <p>
          <Link href={`/bookings/${encodeURIComponent(booking.appointment_id)}/join`} class="button-link">
            Join the call
          </Link>
        </p>
      ) : (
        booking.status === "confirmed" &&
        new Date(booking.call.joinable_until).getTime() > Date.now() && (
          <p class="muted">You can join the call from {when(booking.call.joinable_from)}.</p>
        )
      )}
      {booking.status === "awaiting_card" && <ConfirmCard booking={booking} onChange={onChange} />}
      {open && mode === "view" && (
        <div class="row">
          {booking.status !== "awaiting_card" && (
            <button type="button" onClick={() => setMode("move")}>
              Move to another time
            </button>
          )}
          <button type="button" class="danger" onClick={() => setMode("cancel")}>
            Cancel the booking
          </button>
        </div>
      )}
      {open && mode === "move" && (
        <Reschedule booking={booking} onDone={(b) => (onChange(b), setMode("view"))} onBack={() => setMode("view")} />
      )}
      {open && mode === "cancel" && (
        <CancelBooking booking={booking} onDone={(b) => (onChange(b), setMode("view"))} onBack={() => setMode("view")} />
      )}
      <Receipts booking={booking} />
      <p>
        <Link href="/bookings">All my bookings</Link>
      </p>
    </>
  );
}

function ConfirmCard({ booking, onChange }: { booking: Booking; onChange: (b: Booking) => void }): JSX.Element {
  const action = useAction(async () => {
    onChange(await app.api.post("/bookings/{appointment_id}/confirm-card", { path: { appointment_id: booking.appointment_id } }));
  });
  return (
    <div class="warning-box">
      <p class="warning">Your card still needs your confirmation for this booking to go ahead.</p>
      <ActionButton action={action}>Check the card again</ActionButton>
    </div>
  );
}

function Reschedule({ booking, onDone, onBack }: { booking: Booking; onDone: (b: Booking) => void; onBack: () => void }): JSX.Element {
  const [slot, setSlot] = useState<Slot | null>(null);
  const action = useAction(async () => {
    if (!slot) throw new Error("Choose a new time first.");
    onDone(
      await app.api.post("/bookings/{appointment_id}/reschedule", {
        path: { appointment_id: booking.appointment_id },
        body: { start: slot.start_utc },
      }),
    );
  });
  return (
    <section class="card" aria-labelledby="move-title">
      <h2 id="move-title">Move the booking</h2>
      <Form action={action} submit="Move the booking" label="Move the booking">
        <SlotPicker expertId={booking.expert_id} chosen={slot?.start_utc ?? null} onChoose={(s) => setSlot(s)} legend="Choose the new time" />
        {action.fieldError("start") && <p class="field-error">{action.fieldError("start")}</p>}
      </Form>
      <button type="button" onClick={onBack}>
        Keep the current time
      </button>
    </section>
  );
}

function CancelBooking({ booking, onDone, onBack }: { booking: Booking; onDone: (b: Booking) => void; onBack: () => void }): JSX.Element {
  const cost = cancellationCost(booking);
  const action = useAction(async () => {
    onDone(await app.api.post("/bookings/{appointment_id}/cancel", { path: { appointment_id: booking.appointment_id } }));
  });
  const share = booking.policy.late_cancel_share_bps / 100;
  return (
    <section class="card" aria-labelledby="cancel-title">
      <h2 id="cancel-title">Cancel the booking?</h2>
      <p role="status" class={cost > 0 ? "warning" : "notice"}>
        {cost > 0 && booking.currency
          ? `Cancelling now costs ${money(cost, booking.currency)} (${share}% of the booking: the free cancellation ended ${when(booking.policy.free_cancellation_until)}).`
          : "Cancelling now costs nothing."}
      </p>
      <div class="row">
        <ActionButton action={action} class="danger">
          Yes, cancel the booking
        </ActionButton>
        <button type="button" onClick={onBack}>
          Keep the booking
        </button>
      </div>
    </section>
  );
}

function Receipts({ booking }: { booking: Booking }): JSX.Element | null {
  const paymentId = booking.payment_id;
  const sessionId = booking.call.session_id;
  if (!paymentId && !sessionId) return null;
  return (
    <section aria-labelledby="receipt-title">
      <h2 id="receipt-title">Receipt</h2>
      {paymentId && <PaymentReceipt paymentId={paymentId} />}
      {sessionId && <CallReceipt sessionId={sessionId} />}
    </section>
  );
}

const PAYMENT_STATUS: Record<Answer<"/payments/{payment_id}">["status"], string> = {
  awaiting_confirmation: "Waiting for your card's confirmation",
  authorised: "Held on your card",
  failed: "Failed",
  released: "Released: nothing was charged",
  captured: "Charged",
  partly_refunded: "Charged, partly refunded",
  refunded: "Refunded",
};

function PaymentReceipt({ paymentId }: { paymentId: string }): JSX.Element {
  const payment = useLoad(() => app.api.get("/payments/{payment_id}", { path: { payment_id: paymentId } }), [paymentId]);
  return (
    <Await loaded={payment} what="the payment">
      {(p) => (
        <dl class="facts">
          <dt>Payment</dt>
          <dd>{PAYMENT_STATUS[p.status]}</dd>
          <dt>Held</dt>
          <dd>{money(p.authorised, p.currency)}</dd>
          <dt>Charged</dt>
          <dd>{money(p.captured, p.currency)}</dd>
          {p.refunded > 0 && (
            <>
              <dt>Refunded</dt>
              <dd>{money(p.refunded, p.currency)}</dd>
            </>
          )}
        </dl>
      )}
    </Await>
  );
}

function CallReceipt({ sessionId }: { sessionId: string }): JSX.Element {
  const call = useLoad(() => app.api.get("/sessions/{session_id}", { path: { session_id: sessionId } }), [sessionId]);
  return (
    <Await loaded={call} what="the call">
      {(c) => (
        <>
          <dl class="facts">
            <dt>Call</dt>
            <dd>{c.state === "ended" ? `Ended ${c.ended_at ? when(c.ended_at) : ""}` : c.state}</dd>
            {c.bill && (
              <>
                <dt>Billed minutes</dt>
                <dd>{c.bill.billed_minutes}</dd>
                <dt>Call charge</dt>
                <dd>{c.bill.paid_by_booking ? "Paid by the booking" : money(c.bill.amount, c.bill.currency)}</dd>
              </>
            )}
          </dl>
          {c.state === "ended" && c.paid && c.bill && c.bill.amount > 0 && (
            <p>
              <Link href={`/sessions/${encodeURIComponent(sessionId)}/review`}>Rate this call</Link>
            </p>
          )}
        </>
      )}
    </Await>
  );
}
