// /call/:sessionId/receipt: an ended call's receipt (why it ended, the time connected, the
// billed minutes, what the client was charged or what the expert earned), and for the client
// after a paid call the way to rate it.
import type { JSX } from "preact";
import { Link } from "../../app/router";
import { app } from "../../app/context";
import { duration, endReason, money } from "../../format";
import { useLoad } from "../../ui/async";
import { Await, Page } from "../../ui/page";
import { knownSession, type Session } from "./connection";

function load(sessionId: string): Promise<Session> {
  const known = knownSession(sessionId);
  if (known?.state === "ended" && known.bill) return Promise.resolve(known);
  return app.api.get("/sessions/{session_id}", { path: { session_id: sessionId } });
}

export function ReceiptPage({ sessionId }: { sessionId: string }): JSX.Element {
  const loaded = useLoad(() => load(sessionId), [sessionId]);
  return (
    <Page title="Receipt">
      <Await loaded={loaded} what="the receipt">
        {(session) => <Receipt session={session} />}
      </Await>
    </Page>
  );
}

function Receipt({ session }: { session: Session }): JSX.Element {
  const address = `/call/${encodeURIComponent(session.session_id)}`;
  if (session.state !== "ended") {
    return (
      <p>
        This call has not ended. <Link href={address}>Go to the call</Link>.
      </p>
    );
  }
  const bill = session.bill;
  const currency = session.tariff.currency;
  const rated = session.role === "client" && session.paid && Boolean(bill && bill.amount > 0);
  return (
    <>
      <p role="status">The call has ended.</p>
      <dl class="facts receipt">
        <dt>Ended</dt>
        <dd>{endReason(session.end_reason ?? "ended")}</dd>
        {bill && (
          <>
            <dt>Time connected</dt>
            <dd>{duration(bill.billable_seconds)}</dd>
            <dt>Billed minutes</dt>
            <dd>{bill.billed_minutes}</dd>
            {bill.free_minutes > 0 && (
              <>
                <dt>Free minutes</dt>
                <dd>{bill.free_minutes}</dd>
              </>
            )}
            {session.role === "client" ? (
              <>
                <dt>Charged</dt>
                <dd>{charged(bill.free_call, bill.amount, currency, Boolean(bill.paid_by_booking))}</dd>
              </>
            ) : "earnings" in bill ? (
              <>
                <dt>Parley's fee</dt>
                <dd>{money(bill.fee, currency)}</dd>
                <dt>Your earnings</dt>
                <dd>{money(bill.earnings, currency)}</dd>
              </>
            ) : null}
          </>
        )}
      </dl>
      <ul class="receipt-links">
        {rated && (
          <li>
            <Link href={`/sessions/${encodeURIComponent(session.session_id)}/review`}>Rate this call</Link>
          </li>
        )}
        {bill?.appointment_id && (
          <li>
            <Link href={`/bookings/${encodeURIComponent(bill.appointment_id)}`}>The booking</Link>
          </li>
        )}
        <li>
          <Link href={`${address}/receipt`}>Link to this receipt</Link>
        </li>
        <li>
          <Link href="/calls">Back to your calls</Link>
        </li>
      </ul>
    </>
  );
}

function charged(free: boolean, amount: number, currency: string, byBooking: boolean): string {
  if (free) return "Nothing: a free call";
  return byBooking ? `${money(amount, currency)}, paid by the booking` : money(amount, currency);
}
