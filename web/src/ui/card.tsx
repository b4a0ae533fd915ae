// Cards through Stripe.js (locally localstripe's stand-in, same calls): the card field is
// Stripe's own element, so card numbers never reach Parley; saving a card is a SetupIntent
// confirmed by Stripe.js; a hold that needs 3-D Secure is confirmed in Stripe's dialog.
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../api";
import { app } from "../app/context";

type StripeResult = { error?: { message?: string; code?: string } | null; setupIntent?: { payment_method?: string | { id: string } } };
type CardElement = { mount: (target: HTMLElement) => void; destroy: () => void };
type Stripe = {
  elements: () => { create: (kind: "card") => CardElement };
  confirmCardSetup: (secret: string, data: { payment_method: { card: CardElement } }) => Promise<StripeResult>;
  confirmCardPayment: (secret: string) => Promise<StripeResult>;
};
declare global {
  interface Window {
    Stripe?: (key: string) => Stripe;
  }
}

let loading: Promise<Stripe> | null = null;

/** Stripe.js, loaded once from the stage's Stripe origin (the CSP names it). */
export function stripe(): Promise<Stripe> {
  loading ??= new Promise<Stripe>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = app.config.stripe_js_url;
    script.onload = () =>
      window.Stripe
        ? resolve(window.Stripe(app.config.stripe_publishable_key))
        : reject(new ApiError("Stripe.js did not start.", "stripe_unavailable", 0));
    script.onerror = () => {
      loading = null;
      reject(new ApiError("The card form cannot be loaded; check your connection.", "stripe_unavailable", 0));
    };
    document.head.append(script);
  });
  return loading;
}

function failed(result: StripeResult, fallback: string): ApiError {
  return new ApiError(result.error?.message ?? fallback, result.error?.code ?? "card_error", 402);
}

/** A mounted Stripe card element; `save` turns what was typed into a saved card (a payment method id). */
export type CardHandle = { save: () => Promise<string> };

export function CardField({ onReady, label = "Card" }: { onReady: (card: CardHandle) => void; label?: string }): JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let element: CardElement | null = null;
    let live = true;
    stripe().then(
      (client) => {
        if (!live || !host.current) return;
        element = client.elements().create("card");
        element.mount(host.current);
        const mounted = element;
        onReady({
          save: async () => {
            const setup = await app.api.post("/payments/card-setup");
            const result = await client.confirmCardSetup(setup.client_secret, { payment_method: { card: mounted } });
            if (result.error) throw failed(result, "The card was refused.");
            const method = result.setupIntent?.payment_method;
            if (!method) throw new ApiError("Stripe saved no card.", "card_error", 402);
            return typeof method === "string" ? method : method.id;
          },
        });
      },
      (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)),
    );
    return () => {
      live = false;
      element?.destroy();
    };
  }, []);
  return (
    <div class="field">
      <span class="label" id="card-label">
        {label}
      </span>
      {/* Stripe's element: its inputs are Stripe's (in production an accessible iframe). */}
      <div ref={host} class="stripe-card" data-stripe-element role="group" aria-labelledby="card-label" />
      {error && <p class="field-error">{error}</p>}
    </div>
  );
}

/** A hold that answered `requires_action`: the card holder confirms it (3-D Secure) in Stripe's dialog. */
export async function confirmHold(clientSecret: string): Promise<void> {
  const client = await stripe();
  const result = await client.confirmCardPayment(clientSecret);
  if (result.error) throw failed(result, "The card was not confirmed.");
}
