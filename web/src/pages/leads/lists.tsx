// The lists: /leads/mine (a buyer's leads by stage), /leads (open leads that fit a seller's skills,
// with filters), /leads/bids (a seller's bids and deals by stage).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { type Answer } from "../../api";
import { app } from "../../app/context";
import { Link, navigate, type Route } from "../../app/router";
import { money, when } from "../../format";
import { useLoad } from "../../ui/async";
import { Field } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import {
  BUYER_STAGES,
  bidStatusText,
  budgetText,
  SELLER_STAGES,
  skillName,
  statusText,
  useCatalogue,
  type Catalogue,
} from "./common";

type Stage = { id: string; label: string };

function StageTabs({ stages, current, base, label }: { stages: readonly Stage[]; current: string; base: string; label: string }) {
  return (
    <nav aria-label={label} class="stage-tabs">
      <ul>
        {stages.map((stage) => (
          <li key={stage.id}>
            <Link href={`${base}?stage=${stage.id}`} aria-current={stage.id === current ? "page" : undefined}>
              {stage.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function skillsText(catalogue: Catalogue | null, ids: string[]): string {
  return ids.map((id) => skillName(catalogue?.skills, id)).join(", ");
}

export function MyLeadsPage({ route }: { route: Route }): JSX.Element {
  const stage = (BUYER_STAGES.find((s) => s.id === route.query.get("stage")) ?? BUYER_STAGES[0]).id;
  const catalogue = useCatalogue();
  const leads = useLoad(() => app.api.get("/leads/mine", { query: { stage, limit: 50 } }), [stage]);
  const label = BUYER_STAGES.find((s) => s.id === stage)!.label;
  return (
    <Page title="My leads">
      <StageTabs stages={BUYER_STAGES} current={stage} base="/leads/mine" label="Stages of my leads" />
      <h2>{label}</h2>
      <Await loaded={leads} what="your leads">
        {(page) =>
          page.items.length === 0 ? (
            <p>
              No {label.toLowerCase()} leads. <Link href="/leads/new">Post a lead</Link>.
            </p>
          ) : (
            <ul class="cards lead-cards">
              {page.items.map((lead) => (
                <li key={lead.lead_id} class="card">
                  <h3>
                    <Link href={`/leads/${lead.lead_id}`}>{lead.title}</Link>
                  </h3>
                  <p class="lead-status">{statusText(lead.status)}</p>
                  <p>{budgetText(lead)}</p>
                  {lead.price !== null && <p>Agreed price {money(lead.price, lead.currency)}</p>}
                  <p class="muted">{skillsText(catalogue.data, lead.skills)}</p>
                  <p class="muted">
                    Posted <time dateTime={lead.created_at}>{when(lead.created_at)}</time>
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </Await>
    </Page>
  );
}

type SearchQuery = NonNullable<NonNullable<Parameters<typeof app.api.get<"/leads">>[1]>["query"]>;
type SkillId = NonNullable<SearchQuery["skill"]>;

export function FindLeadsPage({ route }: { route: Route }): JSX.Element {
  const catalogue = useCatalogue();
  const skill = route.query.get("skill") ?? "";
  const words = route.query.get("q") ?? "";
  const [typedSkill, setTypedSkill] = useState(skill);
  const [typedWords, setTypedWords] = useState(words);
  const leads = useLoad(() => {
    const query: SearchQuery = { limit: 50 };
    if (skill) query.skill = skill as SkillId;
    if (words) query.q = words;
    return app.api.get("/leads", { query });
  }, [skill, words]);
  const search = (event: Event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (typedSkill) next.set("skill", typedSkill);
    if (typedWords.trim()) next.set("q", typedWords.trim());
    navigate(`/leads${next.toString() ? `?${next}` : ""}`);
  };
  return (
    <Page title="Leads for my skills">
      <form class="lead-filters" role="search" aria-label="Filter leads" onSubmit={search}>
        <Field label="Skill" as="select" value={typedSkill} onInput={setTypedSkill}>
          <option value="">The skills on my profile</option>
          {(catalogue.data?.skills ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Field>
        <Field label="Words in the title" type="search" value={typedWords} onInput={setTypedWords} maxLength={100} />
        <button type="submit">Search</button>
      </form>
      <h2>Open leads</h2>
      <Await loaded={leads} what="leads">
        {(page: Answer<"/leads">) =>
          page.items.length === 0 ? (
            <p>No open lead fits right now.</p>
          ) : (
            <ul class="cards lead-cards">
              {page.items.map((lead) => (
                <li key={lead.lead_id} class="card">
                  <h3>
                    <Link href={`/leads/${lead.lead_id}`}>{lead.title}</Link>
                  </h3>
                  <p>{budgetText(lead)}</p>
                  <p class="muted">{skillsText(catalogue.data, lead.skills)}</p>
                  <p class="muted">
                    Posted <time dateTime={lead.created_at}>{when(lead.created_at)}</time>
                  </p>
                  <Link href={`/leads/${lead.lead_id}`} aria-label={`Read and bid: ${lead.title}`}>
                    Read and bid
                  </Link>
                </li>
              ))}
            </ul>
          )
        }
      </Await>
    </Page>
  );
}

export function MyBidsPage({ route }: { route: Route }): JSX.Element {
  const stage = (SELLER_STAGES.find((s) => s.id === route.query.get("stage")) ?? SELLER_STAGES[0]).id;
  const bids = useLoad(() => app.api.get("/sellers/me/bids", { query: { stage, limit: 100 } }), [stage]);
  const label = SELLER_STAGES.find((s) => s.id === stage)!.label;
  return (
    <Page title="My bids">
      <StageTabs stages={SELLER_STAGES} current={stage} base="/leads/bids" label="Stages of my bids" />
      <h2>{label}</h2>
      <Await loaded={bids} what="your bids">
        {(page) =>
          page.items.length === 0 ? (
            <p>
              No {label.toLowerCase()} bids. <Link href="/leads">Find leads for your skills</Link>.
            </p>
          ) : (
            <ul class="cards lead-cards">
              {page.items.map((bid) => (
                <li key={bid.lead_id} class="card">
                  <h3>
                    <Link href={`/leads/${bid.lead_id}`}>{bid.lead_title}</Link>
                  </h3>
                  <p class="lead-status">{bidStatusText(bid.status)}</p>
                  <p>
                    {money(bid.price, bid.currency)} in {bid.days} {bid.days === 1 ? "day" : "days"}, proposed by{" "}
                    {bid.proposed_by === "seller" ? "you" : "the buyer"}
                  </p>
                  <p class="muted">
                    Updated <time dateTime={bid.updated_at}>{when(bid.updated_at)}</time>
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </Await>
    </Page>
  );
}
