// /expert/availability: the expert's weekly hours in their own zone (the browser's unless they
// pick another), dates that differ (a day off, or other hours that day), buffers around
// bookings, notice, horizon and the booking policy: the whole of PUT /experts/me/availability.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { ApiError, type Answer, type Schemas } from "../../api";
import { app } from "../../app/context";
import { Link } from "../../app/router";
import { viewerZone } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { Field, Form } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { refuse, refusedAt, Status } from "./parts";

type View = Answer<"/experts/me/availability">;
type Input = Schemas["AvailabilityInput"];
type Weekday = keyof Schemas["WeeklyHoursInput"];

export const WEEKDAYS: Weekday[] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const title = (day: string) => day.charAt(0).toUpperCase() + day.slice(1);

type Hours = { from: string; to: string };
type Override = { id: number; date: string; ranges: Hours[] };
type Draft = {
  time_zone: string;
  weekly: Record<Weekday, Hours[]>;
  overrides: Override[];
  buffer_before: string;
  buffer_after: string;
  notice_hours: string;
  horizon_days: string;
  requires_approval: boolean;
  cutoff_hours: string;
  late_share_percent: string;
  free_enabled: boolean;
  free_minutes: string;
};

let nextId = 1;

const hoursOf = (range: string): Hours => {
  const [from = "", to = ""] = range.split("-");
  return { from, to: to === "24:00" ? "00:00" : to }; // a time field shows midnight as 00:00
};

function draftOf(view: View | null): Draft {
  const weekly = Object.fromEntries(
    WEEKDAYS.map((day) => [day, (view?.weekly_hours[day] ?? []).map(hoursOf)]),
  ) as Record<Weekday, Hours[]>;
  return {
    time_zone: view?.time_zone ?? viewerZone(),
    weekly,
    overrides: (view?.overrides ?? []).map((o) => ({ id: nextId++, date: o.date, ranges: o.ranges.map(hoursOf) })),
    buffer_before: String(view?.buffer_before_minutes ?? 0),
    buffer_after: String(view?.buffer_after_minutes ?? 0),
    notice_hours: String((view?.minimum_notice_minutes ?? 0) / 60),
    horizon_days: String(view?.booking_horizon_days ?? 60),
    requires_approval: view?.requires_approval ?? false,
    cutoff_hours: String(view?.cancel_cutoff_hours ?? 24),
    late_share_percent: String((view?.late_cancel_share_bps ?? 5000) / 100),
    free_enabled: view?.free_consultation.enabled ?? false,
    free_minutes: String(view?.free_consultation.minutes ?? 30),
  };
}

function whole(text: string, field: string, what: string): number {
  const value = Number(text.trim());
  if (!text.trim() || !Number.isFinite(value)) throw refuse(field, `Enter ${what}.`);
  return value;
}

const rangeOf = (hours: Hours) => `${hours.from}-${hours.to === "00:00" ? "24:00" : hours.to}`;

function bodyOf(draft: Draft): Input {
  return {
    time_zone: draft.time_zone as Input["time_zone"],
    weekly_hours: Object.fromEntries(WEEKDAYS.map((day) => [day, draft.weekly[day].map(rangeOf)])),
    overrides: draft.overrides.map((o) => ({ date: o.date, ranges: o.ranges.map(rangeOf) })),
    buffer_before_minutes: whole(draft.buffer_before, "buffer_before_minutes", "a number of minutes"),
    buffer_after_minutes: whole(draft.buffer_after, "buffer_after_minutes", "a number of minutes"),
    minimum_notice_minutes: Math.round(whole(draft.notice_hours, "minimum_notice_minutes", "a number of hours") * 60),
    booking_horizon_days: whole(draft.horizon_days, "booking_horizon_days", "a number of days"),
    requires_approval: draft.requires_approval,
    cancel_cutoff_hours: whole(draft.cutoff_hours, "cancel_cutoff_hours", "a number of hours"),
    late_cancel_share_bps: Math.round(whole(draft.late_share_percent, "late_cancel_share_bps", "a percentage") * 100),
    free_consultation: draft.free_enabled
      ? { enabled: true, minutes: whole(draft.free_minutes, "free_consultation.minutes", "a number of minutes") }
      : { enabled: false },
  };
}

/** The zones this browser knows, with the chosen one first among them if it is missing. */
function zones(chosen: string): string[] {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return known.includes(chosen) ? known : [chosen, ...known];
}

export function AvailabilityPage(): JSX.Element {
  const loaded = useLoad(
    () =>
      app.api.get("/experts/me/availability").catch((error: unknown) => {
        if (error instanceof ApiError && error.code === "availability_not_set") return null;
        throw error;
      }),
    [],
  );
  return (
    <Page title="Your availability">
      <Await loaded={loaded} what="your availability">
        {(view) => <AvailabilityEditor view={view} />}
      </Await>
    </Page>
  );
}

function AvailabilityEditor({ view }: { view: View | null }): JSX.Element {
  const [draft, setDraft] = useState<Draft>(() => draftOf(view));
  const [saved, setSaved] = useState<string | null>(null);
  const change = (update: (previous: Draft) => Draft) => {
    setSaved(null);
    setDraft(update);
  };
  const set =
    <K extends keyof Draft>(name: K) =>
    (value: Draft[K]) =>
      change((previous) => ({ ...previous, [name]: value }));
  const save = useAction(async () => {
    const answer = await app.api.put("/experts/me/availability", { body: bodyOf(draft) });
    setDraft(draftOf(answer));
    setSaved(`Availability saved, in ${answer.time_zone} time.`);
  });
  const at = (path: string) => refusedAt(save, path);
  const setDay = (day: Weekday, ranges: Hours[]) =>
    change((previous) => ({ ...previous, weekly: { ...previous.weekly, [day]: ranges } }));
  const setOverride = (id: number, next: Partial<Override> | null) =>
    change((previous) => ({
      ...previous,
      overrides: next
        ? previous.overrides.map((o) => (o.id === id ? { ...o, ...next } : o))
        : previous.overrides.filter((o) => o.id !== id),
    }));
  return (
    <>
      {!view && <p class="warning">You have not set your availability yet: clients cannot book you until you do.</p>}
      <Form action={save} submit="Save availability" label="Availability" class="expert-form">
        <Field
          label="Time zone"
          as="select"
          value={draft.time_zone}
          onInput={set("time_zone")}
          error={at("time_zone")}
          hint="Your hours below are in this zone; clients see them in theirs."
        >
          {zones(draft.time_zone).map((zone) => (
            <option key={zone} value={zone}>
              {zone.replaceAll("_", " ")}
            </option>
          ))}
        </Field>
        <h2>Weekly hours</h2>
        <ul class="week">
          {WEEKDAYS.map((day) => (
            <li key={day}>
              <RangesEditor
                legend={title(day)}
                ranges={draft.weekly[day]}
                onChange={(ranges) => setDay(day, ranges)}
                error={at(`weekly_hours.${day}`)}
                empty="Not available."
              />
            </li>
          ))}
        </ul>
        <h2>Dates that differ</h2>
        <p class="hint">A date with no hours is a day off; a date with hours has those instead of the weekly ones.</p>
        {draft.overrides.length > 0 && (
          <ul class="overrides">
            {draft.overrides.map((override, index) => (
              <li key={override.id} class="card">
                <Field
                  label={`Date ${index + 1}`}
                  type="date"
                  value={override.date}
                  onInput={(date) => setOverride(override.id, { date })}
                  error={at(`overrides.${index}.date`) ?? (index === 0 ? at("overrides") : undefined)}
                />
                <RangesEditor
                  legend={`Hours on date ${index + 1}`}
                  ranges={override.ranges}
                  onChange={(ranges) => setOverride(override.id, { ranges })}
                  error={at(`overrides.${index}.ranges`)}
                  empty="Day off."
                />
                <button type="button" onClick={() => setOverride(override.id, null)}>
                  Remove date {index + 1}
                </button>
              </li>
            ))}
          </ul>
        )}
        <button
          type="button"
          onClick={() =>
            change((previous) => ({ ...previous, overrides: [...previous.overrides, { id: nextId++, date: "", ranges: [] }] }))
          }
        >
          Add a date
        </button>
        <h2>Around bookings</h2>
        <div class="pair">
          <Field
            label="Buffer before (minutes)"
            type="number"
            min={0}
            max={240}
            step={5}
            value={draft.buffer_before}
            onInput={set("buffer_before")}
            error={at("buffer_before_minutes")}
          />
          <Field
            label="Buffer after (minutes)"
            type="number"
            min={0}
            max={240}
            step={5}
            value={draft.buffer_after}
            onInput={set("buffer_after")}
            error={at("buffer_after_minutes")}
          />
        </div>
        <div class="pair">
          <Field
            label="Minimum notice (hours)"
            type="number"
            min={0}
            step="any"
            value={draft.notice_hours}
            onInput={set("notice_hours")}
            error={at("minimum_notice_minutes")}
          />
          <Field
            label="Bookable ahead (days)"
            type="number"
            min={1}
            max={365}
            value={draft.horizon_days}
            onInput={set("horizon_days")}
            error={at("booking_horizon_days")}
          />
        </div>
        <h2>Booking policy</h2>
        <label class="choice">
          <input
            type="checkbox"
            checked={draft.requires_approval}
            onChange={(event) => set("requires_approval")((event.currentTarget as HTMLInputElement).checked)}
          />
          Bookings wait for my approval (24 hours at most)
        </label>
        <div class="pair">
          <Field
            label="Late cancellation within (hours)"
            type="number"
            min={0}
            max={336}
            value={draft.cutoff_hours}
            onInput={set("cutoff_hours")}
            error={at("cancel_cutoff_hours")}
          />
          <Field
            label="A late cancellation costs (%)"
            type="number"
            min={0}
            max={100}
            step="any"
            value={draft.late_share_percent}
            onInput={set("late_share_percent")}
            error={at("late_cancel_share_bps")}
          />
        </div>
        <label class="choice">
          <input
            type="checkbox"
            checked={draft.free_enabled}
            onChange={(event) => set("free_enabled")((event.currentTarget as HTMLInputElement).checked)}
          />
          One free first consultation for each new client
        </label>
        {draft.free_enabled && (
          <Field
            label="Free consultation (minutes)"
            type="number"
            min={5}
            max={60}
            step={5}
            value={draft.free_minutes}
            onInput={set("free_minutes")}
            error={at("free_consultation")}
          />
        )}
      </Form>
      {saved && <Status>{saved}</Status>}
      <p>
        <Link href="/expert">Back to your expert dashboard</Link>
      </p>
    </>
  );
}

/** One day's ranges: "from" and "until" times, added and removed one by one. */
function RangesEditor({
  legend,
  ranges,
  onChange,
  error,
  empty,
}: {
  legend: string;
  ranges: Hours[];
  onChange: (ranges: Hours[]) => void;
  error: string | undefined;
  empty: string;
}): JSX.Element {
  const put = (index: number, next: Hours | null) =>
    onChange(next ? ranges.map((r, i) => (i === index ? next : r)) : ranges.filter((_, i) => i !== index));
  const last = ranges[ranges.length - 1];
  return (
    <fieldset class={error ? "ranges invalid" : "ranges"}>
      <legend>{legend}</legend>
      {ranges.length === 0 && <p class="muted">{empty}</p>}
      {ranges.map((range, index) => {
        const name = index === 0 ? legend : `${legend}, hours ${index + 1}`;
        return (
          <div class="range" key={index}>
            <Field label={`${name} from`} type="time" value={range.from} onInput={(from) => put(index, { ...range, from })} />
            <Field label={`${name} until`} type="time" value={range.to} onInput={(to) => put(index, { ...range, to })} />
            <button type="button" onClick={() => put(index, null)} aria-label={`Remove ${name}`}>
              Remove
            </button>
          </div>
        );
      })}
      <button
        type="button"
        onClick={() => onChange([...ranges, last ? { from: last.to, to: "" } : { from: "09:00", to: "17:00" }])}
      >
        Add hours on {legend.toLowerCase().startsWith("hours on") ? legend.slice(9) : legend}
      </button>
      {error && <p class="field-error">{error}</p>}
    </fieldset>
  );
}
