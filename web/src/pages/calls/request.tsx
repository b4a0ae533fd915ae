// The client's side of asking for a call: how to pay (a saved card made by Stripe.js, or the
// local stack's demo card), the Voice call / Video call buttons of one expert, and the
// request's state with Cancel the request (or another card, when the first one failed).
import type { JSX } from "preact";
import { useRef, useState } from "preact/hooks";
import type { Answer } from "../../api";
import { app } from "../../app/context";
import { money } from "../../format";
import { useAction } from "../../ui/async";
import { CardField, type CardHandle } from "../../ui/card";
import { ActionButton, ErrorNote, Field } from "../../ui/forms";
import { cancelRequest, dismissRequest, requestCall, sendCard, useCalls, type Media } from "./connection";

export type CallableExpert = Answer<"/experts">["items"][number] | Answer<"/experts/{expert_id}">;

/** How the client pays: `method()` answers the saved card to send with the request. */
export type Payment = { method: () => Promise<string | null> };

export function PaymentChoice({ payment }: { payment: (p: Payment) => void }): JSX.Element {
  const demo = app.config.demo_payment_method ?? "";
  const [choice, setChoice] = useState(demo ? "demo" : "new");
  const card = useRef<CardHandle | null>(null);
  payment({
    method: async () => {
      if (choice === "demo") return demo;
      if (!card.current) throw new Error("The card form is still loading.");
      return card.current.save();
    },
  });
  return (
    <div class="payment">
      {demo && (
        <Field label="Pay with" as="select" value={choice} onInput={setChoice}>
          <option value="demo">The stage's saved test card</option>
          <option value="new">A new card</option>
        </Field>
      )}
      {choice === "new" && <CardField label="Card" onReady={(handle) => (card.current = handle)} />}
    </div>
  );
}

function rate(expert: CallableExpert): string {
  if (expert.rate_per_minute !== null) return `${money(expert.rate_per_minute, expert.currency)} a minute`;
  if (expert.hourly_rate !== null) return `${money(expert.hourly_rate, expert.currency)} an hour`;
  return "";
}

/** One expert's line: name, rate, free minutes, and the two call buttons. */
export function ExpertToCall({ expert, payment }: { expert: CallableExpert; payment: () => Payment }): JSX.Element {
  const calls = useCalls();
  const [media, setMedia] = useState<Media>("voice");
  const action = useAction(async (chosen: Media) => {
    setMedia(chosen);
    const method = await payment().method();
    await requestCall(expert, chosen, method);
  });
  const busy = action.busy || Boolean(calls.request?.live);
  const price = rate(expert);
  return (
    <li class="card expert-to-call">
      <p class="expert-name">
        <strong>{expert.name}</strong>
        {expert.job_title ? ` · ${expert.job_title}` : ""}
      </p>
      <p class="muted">
        {price}
        {expert.free_minutes > 0 ? ` · first ${expert.free_minutes} minutes free` : ""}
        {expert.presence === "busy" ? " · in a call now" : ""}
      </p>
      <div class="row">
        {(["voice", "video"] as const).map((kind) => (
          <button
            type="button"
            class={kind === "voice" ? "primary" : undefined}
            disabled={busy}
            aria-label={`${kind === "voice" ? "Voice" : "Video"} call with ${expert.name}`}
            onClick={() => void action.run(kind)}
          >
            {action.busy && media === kind ? "Calling…" : kind === "voice" ? "Voice call" : "Video call"}
          </button>
        ))}
      </div>
      <ErrorNote error={action.error} />
    </li>
  );
}

/** The request's state: calling, declined, expired…; Cancel while it lasts, another card if the first failed. */
export function RequestState(): JSX.Element | null {
  const calls = useCalls();
  const request = calls.request;
  const cancel = useAction(() => cancelRequest());
  const card = useRef<CardHandle | null>(null);
  const retry = useAction(async () => {
    if (!card.current) throw new Error("The card form is still loading.");
    await sendCard(await card.current.save());
  });
  return (
    <div class="request" aria-live="polite">
      {request && (
        <>
          <p class="request-state" role="status">
            {request.text}
          </p>
          {request.paymentFailed && (
            <div>
              <p class="error" role="alert">
                {request.paymentFailed}
              </p>
              <CardField label="Another card" onReady={(handle) => (card.current = handle)} />
              <ActionButton action={retry}>Use this card</ActionButton>
            </div>
          )}
          {request.live && request.sessionId && <ActionButton action={cancel}>Cancel the request</ActionButton>}
          {!request.live && (
            <button type="button" onClick={dismissRequest}>
              Dismiss
            </button>
          )}
        </>
      )}
    </div>
  );
}
