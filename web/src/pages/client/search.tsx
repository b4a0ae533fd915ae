// /search: every filter and sort GET /experts offers, kept in the address (q is the topic, sent
// as the API's tag), results as cards linking to each profile, "More results" by cursor. Each page
// of results shown is counted for its experts' statistics (POST /experts/appearances, fire and forget).
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Answer, ApiError } from "../../api";
import { app } from "../../app/context";
import { Link, navigate, type Route } from "../../app/router";
import { reputationText, toMinor } from "../../format";
import { fieldMessage, useAction, useLoad } from "../../ui/async";
import { ErrorNote, Field } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { type ExpertCard, rateText, ratingText } from "./common";

type Query = NonNullable<Parameters<typeof app.api.get<"/experts">>[1]>["query"] & {};
type Filters = {
  q: string;
  category: string;
  language: string;
  online: boolean;
  currency: string;
  min_price: string;
  max_price: string;
  sort: string;
};

const PAGE_SIZE = 12;
/** The API's sorts, its default (reputation) first; the default is left out of the address. */
const SORTS: [string, string][] = [
  ["reputation", "Most reputation"],
  ["rating", "Best rated"],
  ["price", "Lowest price"],
];

/** Tells the API which experts a page of results showed (their search appearances); never fails the page. */
function countAppearances(experts: ExpertCard[]): void {
  const ids = [...new Set(experts.map((expert) => expert.expert_id))];
  if (ids.length === 0) return;
  app.api.post("/experts/appearances", { body: { expert_ids: ids } }).catch(() => undefined);
}

function filtersOf(query: URLSearchParams): Filters {
  return {
    q: query.get("q") ?? "",
    category: query.get("category") ?? "",
    language: query.get("language") ?? "",
    online: query.get("online") === "true",
    currency: query.get("currency") ?? "",
    min_price: query.get("min_price") ?? "",
    max_price: query.get("max_price") ?? "",
    sort: SORTS.some(([value]) => value === query.get("sort")) ? query.get("sort")! : "reputation",
  };
}

/** The API's query for the address's filters (prices in the address are minor units, as the API's). */
function apiQuery(filters: Filters, cursor?: string): Query {
  return {
    tag: filters.q || undefined,
    category: (filters.category || undefined) as Query["category"],
    language: (filters.language || undefined) as Query["language"],
    online: filters.online || undefined,
    currency: (filters.currency || undefined) as Query["currency"],
    min_price: filters.min_price === "" ? undefined : Number(filters.min_price),
    max_price: filters.max_price === "" ? undefined : Number(filters.max_price),
    sort: filters.sort === "reputation" ? undefined : filters.sort,
    limit: PAGE_SIZE,
    cursor,
  } as Query;
}

function major(minor: string, currency: string): string {
  if (minor === "" || !currency) return minor;
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return (Number(minor) / 10 ** digits).toFixed(digits);
}

export function SearchPage({ route }: { route: Route }): JSX.Element {
  const key = route.query.toString();
  const applied = filtersOf(route.query);
  const catalogue = useLoad(() => app.api.get("/catalogue"), []);
  const first = useLoad(() => app.api.get("/experts", { query: apiQuery(applied) }), [key]);
  const [more, setMore] = useState<{ items: ExpertCard[]; next: string | null; last: ExpertCard[] } | null>(null);
  useEffect(() => setMore(null), [key]);
  // Once a page is on screen (effects run after it is drawn): its experts appeared in a search.
  useEffect(() => {
    if (first.state === "ready") countAppearances(first.data.items);
  }, [first.data]);
  useEffect(() => {
    if (more) countAppearances(more.last);
  }, [more]);
  const next = more ? more.next : first.state === "ready" ? first.data.next_cursor : null;
  const loadMore = useAction(async () => {
    if (!next) return;
    const page: Answer<"/experts"> = await app.api.get("/experts", { query: apiQuery(applied, next) });
    setMore({ items: [...(more?.items ?? []), ...page.items], next: page.next_cursor, last: page.items });
  });
  const refused = first.state === "failed" ? first.error : null;
  return (
    <Page title="Find an expert">
      <Await loaded={catalogue} what="filters">
        {(found) => <SearchFilters key={key} applied={applied} catalogue={found} refused={refused} />}
      </Await>
      <h2 id="results-title">Experts</h2>
      {first.state === "loading" ? (
        <p class="loading" role="status">
          Searching…
        </p>
      ) : first.state === "failed" ? (
        <div>
          <ErrorNote error={first.error} />
          <button type="button" onClick={first.reload}>
            Try again
          </button>
        </div>
      ) : (
        <>
          <p role="status" class="muted">
            {first.data.items.length + (more?.items.length ?? 0) === 0
              ? "No expert matches this search."
              : `Showing ${first.data.items.length + (more?.items.length ?? 0)} experts${next ? "" : " (all of them)"}.`}
          </p>
          <ul class="cards results" aria-labelledby="results-title">
            {[...first.data.items, ...(more?.items ?? [])].map((expert) => (
              <ExpertResult key={expert.expert_id} expert={expert} />
            ))}
          </ul>
          {next && (
            <button type="button" disabled={loadMore.busy} onClick={() => void loadMore.run()}>
              {loadMore.busy ? "Loading…" : "More results"}
            </button>
          )}
          <ErrorNote error={loadMore.error} />
        </>
      )}
    </Page>
  );
}

function SearchFilters({
  applied,
  catalogue,
  refused,
}: {
  applied: Filters;
  catalogue: Answer<"/catalogue">;
  refused: ApiError | null;
}): JSX.Element {
  const [filters, setFilters] = useState<Filters>({
    ...applied,
    min_price: major(applied.min_price, applied.currency),
    max_price: major(applied.max_price, applied.currency),
  });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const set = (name: keyof Filters) => (value: string | boolean) => setFilters((old) => ({ ...old, [name]: value }));
  const apiError = (name: string) => problems[name] ?? (refused ? fieldMessage(refused.fields, name) : undefined);
  const submit = (event: Event) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    const prices: Record<string, string> = {};
    for (const name of ["min_price", "max_price"] as const) {
      const typed = filters[name].trim();
      if (typed === "") continue;
      if (!filters.currency) {
        found["currency"] = "Choose a currency to filter by price.";
        continue;
      }
      const minor = toMinor(typed, filters.currency);
      if (minor === null) found[name] = "Type an amount, such as 2.50.";
      else prices[name] = String(minor);
    }
    setProblems(found);
    if (Object.keys(found).length) return;
    const search = new URLSearchParams();
    if (filters.q.trim()) search.set("q", filters.q.trim());
    for (const name of ["category", "language", "currency"] as const) if (filters[name]) search.set(name, filters[name]);
    if (filters.online) search.set("online", "true");
    for (const [name, value] of Object.entries(prices)) search.set(name, value);
    if (filters.sort !== "reputation") search.set("sort", filters.sort);
    navigate(`/search${search.toString() ? `?${search}` : ""}`);
  };
  return (
    <form class="filters" role="search" aria-label="Search filters" noValidate onSubmit={submit}>
      <Field label="Topic" type="search" name="q" value={filters.q} onInput={set("q")} error={apiError("tag")}
        hint="One topic an expert lists, such as pricing or python." />
      <div class="filter-grid">
        <Field label="Category" as="select" value={filters.category} onInput={set("category")} error={apiError("category")}>
          <option value="">Any category</option>
          {catalogue.categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </Field>
        <Field label="Language" as="select" value={filters.language} onInput={set("language")} error={apiError("language")}>
          <option value="">Any language</option>
          {catalogue.languages.map((l) => (
            <option key={l.code} value={l.code}>
              {l.name}
            </option>
          ))}
        </Field>
        <Field label="Currency" as="select" value={filters.currency} onInput={set("currency")} error={apiError("currency")}
          hint="Needed to filter or sort by price.">
          <option value="">Any currency</option>
          {catalogue.currencies.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </Field>
        <Field label="Lowest price a minute" value={filters.min_price} onInput={set("min_price")} inputMode="decimal"
          error={apiError("min_price")} />
        <Field label="Highest price a minute" value={filters.max_price} onInput={set("max_price")} inputMode="decimal"
          error={apiError("max_price")} />
        <Field label="Sort by" as="select" value={filters.sort} onInput={set("sort")} error={apiError("sort")}>
          {SORTS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Field>
      </div>
      <label class="choice">
        <input type="checkbox" checked={filters.online} onChange={(e) => set("online")((e.currentTarget as HTMLInputElement).checked)} />
        Only experts online now
      </label>
      <button type="submit">Search</button>
    </form>
  );
}

function ExpertResult({ expert }: { expert: ExpertCard }): JSX.Element {
  const price = rateText(expert);
  return (
    <li class="card expert-card">
      {expert.photo_url ? (
        <img class="expert-photo" src={expert.photo_url} alt="" width={64} height={64} loading="lazy" />
      ) : (
        <span class="expert-photo initials" aria-hidden="true">
          {expert.name.slice(0, 1)}
        </span>
      )}
      <div>
        <h3 class="expert-name">
          <Link href={`/e/${encodeURIComponent(expert.slug)}`}>{expert.name}</Link>
        </h3>
        {expert.job_title && (
          <p class="muted">
            {expert.job_title}
            {expert.company ? `, ${expert.company}` : ""}
          </p>
        )}
        <p>
          {price}
          {expert.free_minutes > 0 ? ` · first ${expert.free_minutes} minutes free` : ""}
        </p>
        <p class="reputation">{reputationText(expert.reputation)}</p>
        <p class="muted">
          {ratingText(expert.rating.average, expert.rating.count)}
          {expert.presence === "online" ? " · online now" : expert.presence === "busy" ? " · in a call" : ""}
        </p>
      </div>
    </li>
  );
}

