// The live meter of an active per-minute call, run by the page from the session view's `meter`
// (docs/websocket-protocol.md, "The live meter"): no message ticks it. It is the bill were the call
// hung up now, by the same rules as the server's; the bill in `session.ended` stays the truth.
import { money } from "../../format";
import type { Session } from "./connection";

type MeterView = NonNullable<Session["meter"]>;

/** round-half-up(numerator / denominator) for whole, non-negative numbers. */
function roundHalfUp(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** The price of a call with `seconds` together and `activeSeconds` from going active, in minor units. */
export function runningPrice(tariff: Session["tariff"], seconds: number, activeSeconds: number, noCharge: number): number {
  if (activeSeconds < noCharge) return 0;
  const minutes = Math.max(0, Math.ceil(seconds / 60) - tariff.free_minutes);
  if (tariff.rate_per_minute != null) return tariff.rate_per_minute * minutes;
  return roundHalfUp((tariff.hourly_rate ?? 0) * minutes, 60);
}

/** The expert's share of a price: less the platform's commission (round-half-up of price x bps / 10000). */
export function earningsOf(price: number, commissionBps: number): number {
  return price - roundHalfUp(price * commissionBps, 10_000);
}

/** The meter as of the last view, counting on while the media flows. */
export class LiveMeter {
  private billed = 0;
  private active = 0;
  private toCutoff = 0;
  private since = Date.now();
  private flowing = false;
  private view: MeterView | null = null;

  /** A fresh view from the server: its figures replace what the page counted. */
  reset(meter: MeterView | null | undefined): void {
    this.view = meter ?? null;
    this.billed = meter?.billed_seconds ?? 0;
    this.active = meter?.active_seconds ?? 0;
    this.toCutoff = meter?.seconds_to_cutoff ?? 0;
    this.since = Date.now();
    if (meter?.running) this.flowing = true;
  }

  /** The media connected (true) or dropped (false): the meter counts only while it flows. */
  setFlowing(on: boolean): void {
    const extra = this.extra();
    this.billed += extra;
    this.active += extra;
    this.toCutoff -= extra;
    this.since = Date.now();
    this.flowing = on;
  }

  private extra(): number {
    return this.flowing ? Math.max(0, Math.min((Date.now() - this.since) / 1000, this.toCutoff)) : 0;
  }

  /** "12 min · cost so far $36.00" (the client) or "… · earned so far $32.40" (the expert); "" without a meter. */
  text(session: Session): string {
    const view = this.view;
    if (!view) return "";
    const seconds = Math.floor(this.billed + this.extra());
    const price = session.paid ? runningPrice(session.tariff, seconds, this.active + this.extra(), view.no_charge_seconds) : 0;
    const minutes = Math.floor(seconds / 60);
    const currency = session.tariff.currency;
    if (session.role === "client") return `${minutes} min · cost so far ${money(price, currency)}`;
    return `${minutes} min · earned so far ${money(earningsOf(price, view.commission_bps ?? 0), currency)}`;
  }
}
