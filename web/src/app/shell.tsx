// The frame around every page: the header with the navigation for who is signed in, the
// page for the current path (or sign-in, when the page needs it), and a skip link.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { app, isExpert, loadAccount, useAccount, type Account } from "./context";
import { Link, match, navigate, useRoute } from "./router";
import type { Audience, RouteEntry } from "./routes";

function allowed(audience: Audience | undefined, who: Account | null, signedIn: boolean): boolean {
  switch (audience ?? "anyone") {
    case "anyone":
      return true;
    case "signed-out":
      return !signedIn;
    case "signed-in":
      return signedIn;
    case "expert":
      return isExpert(who);
  }
}

export function Shell({ routes }: { routes: RouteEntry[] }): JSX.Element {
  const route = useRoute();
  const who = useAccount();
  const [ready, setReady] = useState(!app.auth.signedIn);
  useEffect(() => {
    if (app.auth.signedIn) void loadAccount().finally(() => setReady(true));
  }, []);
  const signedIn = app.auth.signedIn;
  let found: { entry: RouteEntry; params: Record<string, string> } | null = null;
  for (const entry of routes) {
    const params = match(entry.pattern, route.path);
    if (params) {
      found = { entry, params };
      break;
    }
  }
  const mayOpen = found && allowed(found.entry.audience, who, signedIn);
  useEffect(() => {
    if (!ready || !found || mayOpen) return;
    if (!signedIn) navigate(`/sign-in?next=${encodeURIComponent(route.path + location.search)}`, true);
    else navigate("/", true);
  }, [ready, found?.entry, mayOpen, signedIn]);
  const links = routes
    .filter((entry) => entry.nav && allowed(entry.audience, who, signedIn))
    .sort((a, b) => a.nav!.order - b.nav!.order);
  return (
    <>
      <a class="skip" href="#main">
        Skip to the content
      </a>
      <header class="top">
        <Link href="/" class="brand">
          Parley
        </Link>
        <nav aria-label="Main">
          <ul>
            {links.map((entry) => (
              <li key={entry.pattern}>
                <Link href={entry.pattern} aria-current={route.path === entry.pattern ? "page" : undefined}>
                  {entry.nav!.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main">
        {!ready ? (
          <p class="loading" role="status">
            Loading…
          </p>
        ) : found && mayOpen ? (
          found.entry.page(found.params, route)
        ) : found ? null : (
          <section class="page">
            <h1>Page not found</h1>
            <p>
              There is no page at {route.path}. <Link href="/">Go to the start page</Link>.
            </p>
          </section>
        )}
      </main>
    </>
  );
}
