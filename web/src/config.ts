// The stage's settings, from the config.json next to index.html (the stack or
// infra/publish_web.py writes it).
export interface Config {
  stage: string;
  api_url: string;
  ws_url: string;
  cognito_endpoint: string;
  web_client_id: string;
  /** Stripe.js (locally localstripe's stand-in) and the key it is loaded with. */
  stripe_js_url: string;
  stripe_publishable_key: string;
  /** A saved test card the local stack's demo data knows (local only). */
  demo_payment_method?: string;
}

export async function loadConfig(): Promise<Config> {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json could not be loaded (HTTP ${response.status}).`);
  return (await response.json()) as Config;
}
