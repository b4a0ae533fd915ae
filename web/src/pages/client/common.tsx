// What the client's pages share: an expert's price line, stars, experts' names by id (a
// booking names only the expert's id), the viewer's local dates, and the slot picker.
import type { JSX } from "preact";
import { useId, useState } from "preact/hooks";
import type { Answer } from "../../api";
import { app } from "../../app/context";
import { day, money, viewerZone, when } from "../../format";
import { useLoad } from "../../ui/async";
import { Await } from "../../ui/page";

export type ExpertCard = Answer<"/experts">["items"][number];
export type Profile = Answer<"/experts/by-slug/{slug}">;
export type Booking = Answer<"/bookings/{appointment_id}">;
export type Slot = Answer<"/experts/{expert_id}/slots">["slots"][number];

/** "£2.50 a minute" (or an hour), "" when the expert has no rate. */
export function rateText(expert: Pick<ExpertCard, "rate_per_minute" | "hourly_rate" | "currency">): string {
  if (expert.rate_per_minute !== null) return `${money(expert.rate_per_minute, expert.currency)} a minute`;
  if (expert.hourly_rate !== null) return `${money(expert.hourly_rate, expert.currency)} an hour`;
  return "";
}

/** "4.8 of 5 stars (12 reviews)" or "No reviews yet". */
export function ratingText(average: number | null, count: number): string {
  if (average === null || count === 0) return "No reviews yet";
  return `${average.toFixed(1)} of 5 stars (${count} ${count === 1 ? "review" : "reviews"})`;
}

/** Stars drawn as text, with the number for screen readers. */
export function Stars({ stars }: { stars: number }): JSX.Element {
  const whole = Math.round(stars);
  return (
    <span class="stars" role="img" aria-label={`${stars} of 5 stars`}>
      {"★".repeat(whole)}
      {"☆".repeat(Math.max(0, 5 - whole))}
    </span>
  );
}

const experts = new Map<string, Promise<Answer<"/experts/{expert_id}">>>();

/** An expert's public profile by id, read once per page load. */
export function expertById(expertId: string): Promise<Answer<"/experts/{expert_id}">> {
  let found = experts.get(expertId);
  if (!found) {
    found = app.api.get("/experts/{expert_id}", { path: { expert_id: expertId } });
    found.catch(() => experts.delete(expertId));
    experts.set(expertId, found);
  }
  return found;
}

/** The expert's name, read by id ("the expert" until it is known). */
export function ExpertName({ expertId }: { expertId: string }): JSX.Element {
  const expert = useLoad(() => expertById(expertId), [expertId]);
  return <>{expert.state === "ready" ? expert.data.name : "the expert"}</>;
}

/** The local date (YYYY-MM-DD) in the viewer's zone, `days` after today. */
export function localDate(days = 0, zone = viewerZone()): string {
  const moment = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(moment);
}

export const SLOT_DAYS = 14;

/** The expert's bookable slots for the next two weeks, in the viewer's zone. */
export function loadSlots(expertId: string): Promise<Answer<"/experts/{expert_id}/slots">> {
  const zone = viewerZone();
  return app.api.get("/experts/{expert_id}/slots", {
    path: { expert_id: expertId },
    query: { from: localDate(0, zone), to: localDate(SLOT_DAYS - 1, zone), tz: zone },
  });
}

/** "Tue 3 Mar, 10:30 – 11:00" in the viewer's zone. */
export function slotText(start: string, end: string): string {
  const close = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", timeZone: viewerZone() });
  return `${when(start)} – ${close.format(new Date(end))}`;
}

const TIMES_PER_DAY = 8;
const DAYS_SHOWN = 4;

/** The free slots as radio buttons, grouped by day (the first days and times; more on request);
 * `chosen` is a slot's start_utc. */
export function SlotPicker({
  expertId,
  chosen,
  onChoose,
  legend = "Choose a time",
}: {
  expertId: string;
  chosen: string | null;
  onChoose: (slot: Slot, minutes: number) => void;
  legend?: string;
}): JSX.Element {
  const slots = useLoad(() => loadSlots(expertId), [expertId]);
  const [days, setDays] = useState(DAYS_SHOWN);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const name = useId();
  return (
    <Await loaded={slots} what="free times">
      {(found) => {
        if (found.slots.length === 0) return <p class="muted">No free times in the next {SLOT_DAYS} days.</p>;
        const byDay: [string, Slot[]][] = [];
        for (const slot of found.slots) {
          const label = day(slot.start_utc);
          const last = byDay[byDay.length - 1];
          if (last && last[0] === label) last[1].push(slot);
          else byDay.push([label, [slot]]);
        }
        return (
          <fieldset class="slots">
            <legend>{legend}</legend>
            <p class="hint">Times are in your zone, {found.time_zone}.</p>
            {byDay.slice(0, days).map(([label, list]) => {
              const all = open.has(label) || list.some((s) => s.start_utc === chosen && list.indexOf(s) >= TIMES_PER_DAY);
              return (
                <div key={label} class="slot-day">
                  <p class="slot-day-name">{label}</p>
                  <ul class="slot-list">
                    {(all ? list : list.slice(0, TIMES_PER_DAY)).map((slot) => (
                      <li key={slot.start_utc}>
                        <label class="choice slot">
                          <input
                            type="radio"
                            name={name}
                            value={slot.start_utc}
                            checked={chosen === slot.start_utc}
                            onChange={() => onChoose(slot, found.minutes)}
                          />
                          <time dateTime={slot.start_utc}>{slotText(slot.start_utc, slot.end_utc)}</time>
                        </label>
                      </li>
                    ))}
                  </ul>
                  {!all && list.length > TIMES_PER_DAY && (
                    <button type="button" onClick={() => setOpen(new Set([...open, label]))}>
                      All {list.length} times on {label}
                    </button>
                  )}
                </div>
              );
            })}
            {byDay.length > days && (
              <button type="button" onClick={() => setDays(days + DAYS_SHOWN)}>
                More days
              </button>
            )}
          </fieldset>
        );
      }}
    </Await>
  );
}
