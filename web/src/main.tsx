// Parley's web client: loads the stage's config, then renders the page for the address.
import "./style.css";
import { render } from "preact";
import { setUp } from "./app/context";
import { Shell } from "./app/shell";
import { loadConfig } from "./config";
import { routes } from "./routes";

async function start(): Promise<void> {
  const root = document.getElementById("app")!;
  try {
    setUp(await loadConfig());
  } catch (error) {
    root.textContent = error instanceof Error ? error.message : String(error);
    return;
  }
  root.replaceChildren(); // the static "Loading Parley…" line: render() would leave it under the app
  render(<Shell routes={routes} />, root);
}

void start();
