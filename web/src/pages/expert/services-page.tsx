// /expert/services: the services an expert offers (a name, a link, a description, an upfront
// hold on the client's card, an ongoing rate shown at checkout, a meeting), in the order
// clients see them. Amounts are typed in major units of the profile's currency.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { type Answer, type Schemas } from "../../api";
import { app } from "../../app/context";
import { Link } from "../../app/router";
import { money, toMinor } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { ActionButton, Field, Form } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { majorText, refuse, refusedAt, Status } from "./parts";

type Service = Answer<"/experts/me/services">["services"][number];
type Input = Schemas["ServiceInput"];
type Unit = Schemas["OngoingRateInput"]["unit"];

const UNITS: Record<Unit, string> = { hour: "an hour", week: "a week", month: "a month" };

type Draft = {
  name: string;
  slug: string;
  description: string;
  hold: string;
  rate: string;
  unit: Unit;
  meeting_url: string;
  meeting_minutes: string;
};

function draftOf(service: Service | null, currency: string): Draft {
  return {
    name: service?.name ?? "",
    slug: service?.slug ?? "",
    description: service?.description ?? "",
    hold: majorText(service?.upfront_hold, currency),
    rate: majorText(service?.ongoing_rate?.amount, currency),
    unit: service?.ongoing_rate?.unit ?? "hour",
    meeting_url: service?.meeting?.location_url ?? "",
    meeting_minutes: String(service?.meeting?.duration_minutes ?? 30),
  };
}

function amount(text: string, currency: string, field: string): number | null {
  if (!text.trim()) return null;
  const minor = toMinor(text, currency);
  if (minor === null) throw refuse(field, "Enter an amount, such as 150.00.");
  return minor;
}

function bodyOf(draft: Draft, currency: string): Input {
  const rate = amount(draft.rate, currency, "ongoing_rate.amount");
  const minutes = Number(draft.meeting_minutes);
  if (draft.meeting_url.trim() && !Number.isInteger(minutes))
    throw refuse("meeting.duration_minutes", "Enter the meeting's length in whole minutes.");
  return {
    name: draft.name.trim(),
    slug: draft.slug.trim(),
    description: draft.description.trim(),
    upfront_hold: amount(draft.hold, currency, "upfront_hold"),
    ongoing_rate: rate === null ? null : { amount: rate, unit: draft.unit },
    meeting: draft.meeting_url.trim() ? { location_url: draft.meeting_url.trim(), duration_minutes: minutes } : null,
  };
}

export function ServicesPage(): JSX.Element {
  const loaded = useLoad(() => Promise.all([app.api.get("/experts/me"), app.api.get("/experts/me/services")]), []);
  return (
    <Page title="Your services">
      <Await loaded={loaded} what="your services">
        {([profile, list]) => <Services currency={profile.currency} slug={profile.slug} first={list.services} />}
      </Await>
      <p>
        <Link href="/expert">Back to your expert dashboard</Link>
      </p>
    </Page>
  );
}

function Services({ currency, slug, first }: { currency: string; slug: string; first: Service[] }): JSX.Element {
  const [services, setServices] = useState(first);
  const [editing, setEditing] = useState<string | null>(null); // a service id, "new", or none
  const [told, setTold] = useState<string | null>(null);
  const move = useAction(async (index: number, by: number) => {
    const ids = services.map((s) => s.service_id);
    const [moved] = ids.splice(index, 1);
    ids.splice(index + by, 0, moved!);
    setServices((await app.api.put("/experts/me/services/order", { body: { service_ids: ids } })).services);
    setTold("Order saved.");
  });
  const done = (saved: Service | null, message: string) => {
    setEditing(null);
    setTold(message);
    if (saved)
      setServices((previous) =>
        previous.some((s) => s.service_id === saved.service_id)
          ? previous.map((s) => (s.service_id === saved.service_id ? saved : s))
          : [...previous, saved],
      );
  };
  return (
    <>
      {told && <Status>{told}</Status>}
      {services.length === 0 ? (
        <p class="muted">You offer no services yet.</p>
      ) : (
        <ul class="services">
          {services.map((service, index) => (
            <li key={service.service_id} class="card">
              {editing === service.service_id ? (
                <ServiceForm
                  service={service}
                  currency={currency}
                  onDone={done}
                  onDeleted={() => {
                    setEditing(null);
                    setServices((previous) => previous.filter((s) => s.service_id !== service.service_id));
                    setTold(`${service.name} deleted.`);
                  }}
                />
              ) : (
                <ServiceSummary
                  service={service}
                  first={index === 0}
                  last={index === services.length - 1}
                  onEdit={() => {
                    setTold(null);
                    setEditing(service.service_id);
                  }}
                  onMove={(by) => void move.run(index, by)}
                  busy={move.busy}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {move.error && <p class="error" role="alert">{move.error.message}</p>}
      {editing === "new" ? (
        <section class="card" aria-labelledby="new-service">
          <h2 id="new-service">New service</h2>
          <ServiceForm service={null} currency={currency} onDone={done} />
        </section>
      ) : (
        <button type="button" class="primary" onClick={() => setEditing("new")}>
          Add a service
        </button>
      )}
      <p class="muted">Clients check out your services from your profile (/e/{slug}).</p>
    </>
  );
}

function ServiceSummary({
  service,
  first,
  last,
  onEdit,
  onMove,
  busy,
}: {
  service: Service;
  first: boolean;
  last: boolean;
  onEdit: () => void;
  onMove: (by: number) => void;
  busy: boolean;
}): JSX.Element {
  return (
    <>
      <h2>{service.name}</h2>
      <p>{service.description}</p>
      <dl class="facts">
        <dt>Upfront hold</dt>
        <dd>{service.upfront_hold ? money(service.upfront_hold, service.currency) : "None"}</dd>
        <dt>Then</dt>
        <dd>
          {service.ongoing_rate
            ? `${money(service.ongoing_rate.amount, service.currency)} ${UNITS[service.ongoing_rate.unit]}`
            : "No ongoing rate"}
        </dd>
        <dt>Meeting</dt>
        <dd>{service.meeting ? `${service.meeting.duration_minutes} min at ${service.meeting.location_url}` : "None"}</dd>
        <dt>Checkout page</dt>
        <dd>
          <a href={service.web_checkout_page}>{location.origin + service.web_checkout_page}</a>
        </dd>
      </dl>
      <div class="row">
        <button type="button" onClick={onEdit} aria-label={`Edit ${service.name}`}>
          Edit
        </button>
        {!first && (
          <button type="button" disabled={busy} onClick={() => onMove(-1)} aria-label={`Move ${service.name} up`}>
            Move up
          </button>
        )}
        {!last && (
          <button type="button" disabled={busy} onClick={() => onMove(1)} aria-label={`Move ${service.name} down`}>
            Move down
          </button>
        )}
      </div>
    </>
  );
}

function ServiceForm({
  service,
  currency,
  onDone,
  onDeleted,
}: {
  service: Service | null;
  currency: string;
  onDone: (saved: Service | null, message: string) => void;
  onDeleted?: () => void;
}): JSX.Element {
  const [draft, setDraft] = useState(() => draftOf(service, currency));
  const set =
    <K extends keyof Draft>(name: K) =>
    (value: Draft[K]) =>
      setDraft((previous) => ({ ...previous, [name]: value }));
  const save = useAction(async () => {
    const body = bodyOf(draft, currency);
    const saved = service
      ? await app.api.put("/experts/me/services/{service_id}", { path: { service_id: service.service_id }, body })
      : await app.api.post("/experts/me/services", { body });
    onDone(saved, `${saved.name} saved.`);
  });
  const remove = useAction(async () => {
    if (!service) return;
    await app.api.delete("/experts/me/services/{service_id}", { path: { service_id: service.service_id } });
    onDeleted?.();
  });
  const at = (path: string) => refusedAt(save, path);
  return (
    <>
      <Form action={save} submit={service ? "Save service" : "Add service"} label={service ? `Edit ${service.name}` : "New service"}>
        <Field label="Service name" value={draft.name} onInput={set("name")} error={at("name")} maxLength={120} required />
        <Field
          label="Service link name"
          value={draft.slug}
          onInput={set("slug")}
          error={at("slug")}
          hint="Lower-case letters, digits and hyphens, e.g. cv-review."
          required
        />
        <Field
          label="Service description"
          as="textarea"
          value={draft.description}
          onInput={set("description")}
          error={at("description")}
          maxLength={500}
          required
        />
        <Field
          label={`Upfront hold (${currency})`}
          value={draft.hold}
          onInput={set("hold")}
          error={at("upfront_hold")}
          inputMode="decimal"
          hint="Held on the client's card at checkout and taken when you accept the work; leave empty for none."
        />
        <div class="pair">
          <Field
            label={`Ongoing rate (${currency})`}
            value={draft.rate}
            onInput={set("rate")}
            error={at("ongoing_rate")}
            inputMode="decimal"
            hint="Shown at checkout for the work after; Parley never charges it."
          />
          <Field label="Per" as="select" value={draft.unit} onInput={(value) => set("unit")(value as Unit)}>
            {(Object.keys(UNITS) as Unit[]).map((unit) => (
              <option key={unit} value={unit}>
                {unit}
              </option>
            ))}
          </Field>
        </div>
        <div class="pair">
          <Field
            label="Meeting link"
            type="url"
            value={draft.meeting_url}
            onInput={set("meeting_url")}
            error={at("meeting.location_url") ?? (at("meeting.duration_minutes") ? undefined : at("meeting"))}
            hint="An https video-call link given to the client at checkout; leave empty for no meeting."
          />
          <Field
            label="Meeting length (minutes)"
            type="number"
            min={15}
            max={240}
            value={draft.meeting_minutes}
            onInput={set("meeting_minutes")}
            error={at("meeting.duration_minutes")}
          />
        </div>
      </Form>
      <div class="row">
        <button type="button" onClick={() => onDone(null, "")}>
          Cancel
        </button>
        {service && (
          <ActionButton action={remove} class="danger" label={`Delete ${service.name}`}>
            Delete
          </ActionButton>
        )}
      </div>
    </>
  );
}
