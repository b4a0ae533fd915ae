// "Send a message" on a profile: a message to the expert, no booking needed, perhaps asking for
// an appointment at up to three preferred times (typed in the viewer's zone, sent in UTC) for so
// many minutes; sent once however often it is pressed (one Idempotency-Key per draft), then the
// conversation it opened.
import type { JSX } from "preact";
import { useRef, useState } from "preact/hooks";
import { idempotencyKey, type Schemas } from "../../api";
import { app } from "../../app/context";
import { navigate } from "../../app/router";
import { viewerZone } from "../../format";
import { useAction } from "../../ui/async";
import { Field, Form } from "../../ui/forms";
import { refuse, refusedAt } from "../expert/parts";
import { threadHref } from "../conversations/threads";

const MAX_TEXT = 10_000;
const MAX_TIMES = 3;
const MINUTES = { min: 15, max: 180 };

/** A datetime-local value ("2026-03-02T14:00", the viewer's zone) as a UTC instant ("2026-03-02T13:00:00Z"). */
export function utcInstant(local: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(local)) return null;
  const moment = new Date(local); // a date-time without an offset is the browser's local time
  if (Number.isNaN(moment.getTime())) return null;
  return moment.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function SendMessage({ expertId, name }: { expertId: string; name: string }): JSX.Element {
  const [text, setText] = useState("");
  const [asking, setAsking] = useState(false);
  const [times, setTimes] = useState<string[]>([""]);
  const [minutes, setMinutes] = useState("30");
  const key = useRef(idempotencyKey());
  const action = useAction(async () => {
    let request: Schemas["AppointmentRequestInput"] | undefined;
    if (asking) {
      const typed = times.map((time) => time.trim()).filter(Boolean);
      if (typed.length === 0) throw refuse("appointment_request.preferred_times", "Give at least one time that suits you.");
      const instants: string[] = [];
      for (const [index, time] of typed.entries()) {
        const instant = utcInstant(time);
        if (!instant) throw refuse(`appointment_request.preferred_times.${index}`, "Give a date and a time.");
        instants.push(instant);
      }
      const length = Number(minutes);
      if (!Number.isInteger(length))
        throw refuse("appointment_request.minutes", `Give the length in whole minutes (${MINUTES.min} to ${MINUTES.max}).`);
      request = { preferred_times: instants, minutes: length };
    }
    const sent = await app.api.post("/experts/{expert_id}/messages", {
      path: { expert_id: expertId },
      body: { text: text.trim(), ...(request ? { appointment_request: request } : {}) },
      key: key.current,
    });
    navigate(threadHref(sent.thread_id));
  });
  const at = (path: string) => refusedAt(action, path);
  return (
    <Form action={action} submit="Send the message" label={`Message ${name}`} class="message-form">
      <Field
        label="Your message"
        as="textarea"
        value={text}
        onInput={setText}
        maxLength={MAX_TEXT}
        required
        hint="No contact details: the conversation stays on Parley."
        error={at("text")}
      />
      <label class="choice">
        <input type="checkbox" checked={asking} onChange={(event) => setAsking((event.currentTarget as HTMLInputElement).checked)} />
        Ask for an appointment
      </label>
      {asking && (
        <fieldset aria-describedby="preferred-hint">
          <legend>Times that suit you</legend>
          <p class="hint" id="preferred-hint">
            Up to {MAX_TIMES} times, in your zone ({viewerZone()}); {name} answers in the conversation.
          </p>
          {times.map((time, index) => (
            <div class="row" key={index}>
              <Field
                label={`Preferred time ${index + 1}`}
                type="datetime-local"
                value={time}
                onInput={(value) => setTimes(times.map((t, i) => (i === index ? value : t)))}
                error={at(`appointment_request.preferred_times.${index}`)}
              />
              {times.length > 1 && (
                <button type="button" onClick={() => setTimes(times.filter((_, i) => i !== index))}>
                  Remove time {index + 1}
                </button>
              )}
            </div>
          ))}
          {times.length < MAX_TIMES && (
            <button type="button" onClick={() => setTimes([...times, ""])}>
              Add another time
            </button>
          )}
          {at("appointment_request.preferred_times") && !times.some((_, i) => at(`appointment_request.preferred_times.${i}`)) && (
            <p class="field-error">{at("appointment_request.preferred_times")}</p>
          )}
          <Field
            label="Minutes"
            type="number"
            min={MINUTES.min}
            max={MINUTES.max}
            step={5}
            value={minutes}
            onInput={setMinutes}
            error={at("appointment_request.minutes")}
          />
        </fieldset>
      )}
    </Form>
  );
}
