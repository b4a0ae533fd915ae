// /expert/profile: the expert writes their profile (PUT /experts/me replaces it whole, so what
// this page does not edit is sent back as it was). Photo, intro video and verification
// documents go straight to S3 first; the rate is typed in major units and sent in minor units.
// Once saved, the personal link (/e/<slug>) is shown with a button that copies it.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { ApiError, type Answer, type Schemas } from "../../api";
import { app, loadAccount } from "../../app/context";
import { Link } from "../../app/router";
import { money, toMinor } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { Field, Form } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { UploadField } from "../../ui/upload";
import { Choices, majorText, refuse, refusedAt, Status } from "./parts";

type Own = Answer<"/experts/me">;
type Catalogue = Answer<"/catalogue">;
// The document's anyOf (a rate per minute or an hourly rate) makes the type a union; this is its full member.
type Input = Extract<Schemas["ProfileInput"], { slug: string }>;
type Currency = Input["currency"];

const TEXT_LIMIT = 500;
const SHORT_LIMIT = 120;

/** The personal link of a profile, on this web client's origin. */
export function personalLink(slug: string): string {
  return `${location.origin}/e/${slug}`;
}

type Draft = {
  name: string;
  slug: string;
  job_title: string;
  company: string;
  offering: string;
  description: string;
  categories: string[];
  tags: string;
  languages: string[];
  currency: string;
  rate: string;
  free_minutes: string;
  photo_key: string | null;
  photo_name: string | null;
  intro_video_key: string | null;
  documents: { key: string; name: string }[];
};

function draftOf(own: Own | null, currencies: string[]): Draft {
  const currency = own?.currency ?? currencies[0] ?? "USD";
  return {
    name: own?.name ?? "",
    slug: own?.slug ?? "",
    job_title: own?.job_title ?? "",
    company: own?.company ?? "",
    offering: own?.offering ?? "",
    description: own?.description ?? "",
    categories: own?.categories ?? [],
    tags: (own?.tags ?? []).join(", "),
    languages: own?.languages ?? [],
    currency,
    rate: majorText(own?.rate_per_minute, currency),
    free_minutes: String(own?.free_minutes ?? 0),
    photo_key: own?.photo_key ?? null,
    photo_name: null,
    intro_video_key: own?.intro_video_key ?? null,
    documents: (own?.verification_document_keys ?? []).map((key) => ({ key, name: key.split("/").pop() ?? key })),
  };
}

const optional = (text: string): string | null => (text.trim() ? text.trim() : null);

/** The body PUT /experts/me takes: the draft over what the profile had (skills, education, hourly rate…). */
function bodyOf(draft: Draft, own: Own | null): Input {
  const rate = draft.rate.trim() ? toMinor(draft.rate, draft.currency) : null;
  if (draft.rate.trim() && rate === null) throw refuse("rate_per_minute", "Enter the rate as an amount, such as 2.50.");
  const free = Number(draft.free_minutes || "0");
  if (!Number.isInteger(free)) throw refuse("free_minutes", "Enter a whole number of minutes.");
  return {
    slug: draft.slug.trim(),
    name: draft.name.trim(),
    job_title: optional(draft.job_title),
    company: optional(draft.company),
    advice_on: own?.advice_on ?? null,
    offering: optional(draft.offering),
    description: optional(draft.description),
    categories: draft.categories as Input["categories"],
    tags: draft.tags
      .split(",")
      .map((tag) => tag.trim())
      .filter(Boolean),
    languages: draft.languages as Input["languages"],
    skills: (own?.skills ?? []) as NonNullable<Input["skills"]>,
    education: own?.education ?? [],
    currency: draft.currency as Currency,
    rate_per_minute: rate,
    hourly_rate: own?.hourly_rate ?? null,
    free_minutes: free,
    photo_key: draft.photo_key,
    intro_video_key: draft.intro_video_key,
    resume_key: own?.resume_key ?? null,
    verification_document_keys: draft.documents.map((d) => d.key),
  };
}

export function ProfilePage(): JSX.Element {
  const loaded = useLoad(
    () =>
      Promise.all([
        app.api.get("/experts/me").catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 404) return null;
          throw error;
        }),
        app.api.get("/catalogue"),
      ]),
    [],
  );
  return (
    <Page title="Your expert profile">
      <Await loaded={loaded} what="your profile">
        {([own, catalogue]) => <ProfileEditor own={own} catalogue={catalogue} />}
      </Await>
    </Page>
  );
}

function ProfileEditor({ own: first, catalogue }: { own: Own | null; catalogue: Catalogue }): JSX.Element {
  const [own, setOwn] = useState<Own | null>(first);
  const [draft, setDraft] = useState<Draft>(() => draftOf(first, catalogue.currencies));
  const [saved, setSaved] = useState(false);
  const set = <K extends keyof Draft>(name: K) => (value: Draft[K]) => {
    setSaved(false);
    setDraft((previous) => ({ ...previous, [name]: value }));
  };
  const save = useAction(async () => {
    setSaved(false);
    const answer = await app.api.put("/experts/me", { body: bodyOf(draft, own) });
    setOwn(answer);
    setSaved(true);
    await loadAccount(); // the account now has the expert role
  });
  const at = (path: string) => refusedAt(save, path);
  const rateShown = (() => {
    const minor = toMinor(draft.rate, draft.currency);
    return minor ? `${money(minor, draft.currency)} a minute` : null;
  })();
  return (
    <>
      <Form action={save} submit="Save profile" label="Expert profile" class="expert-form">
        <h2>About you</h2>
        <Field label="Name" value={draft.name} onInput={set("name")} error={at("name")} maxLength={SHORT_LIMIT} required />
        <Field
          label="Link name"
          value={draft.slug}
          onInput={set("slug")}
          error={at("slug")}
          hint="Your personal link ends with it: lower-case letters, digits and hyphens, e.g. ada-lovelace."
          required
        />
        <Field label="Job title" value={draft.job_title} onInput={set("job_title")} error={at("job_title")} maxLength={SHORT_LIMIT} />
        <Field label="Company" value={draft.company} onInput={set("company")} error={at("company")} maxLength={SHORT_LIMIT} />
        <Field
          label="What you offer"
          as="textarea"
          value={draft.offering}
          onInput={set("offering")}
          error={at("offering")}
          maxLength={TEXT_LIMIT}
          hint="No contact details: clients reach you through Parley."
        />
        <Field
          label="Description"
          as="textarea"
          value={draft.description}
          onInput={set("description")}
          error={at("description")}
          maxLength={TEXT_LIMIT}
          rows={6}
        />
        <Choices
          legend="Categories"
          hint="One to three."
          options={catalogue.categories.map((c) => ({ value: c.id, label: c.name }))}
          chosen={draft.categories}
          onChange={set("categories")}
          error={at("categories")}
          max={3}
        />
        <Field
          label="Tags"
          value={draft.tags}
          onInput={set("tags")}
          error={at("tags")}
          hint="Up to ten, separated by commas, e.g. pricing, saas."
        />
        <Choices
          legend="Languages"
          hint="The languages you take calls in (up to eight)."
          options={catalogue.languages.map((l) => ({ value: l.code, label: l.name }))}
          chosen={draft.languages}
          onChange={set("languages")}
          error={at("languages")}
          max={8}
        />
        <h2>Rates</h2>
        <Field label="Currency" as="select" value={draft.currency} onInput={set("currency")} error={at("currency")}>
          {catalogue.currencies.map((code) => (
            <option key={code} value={code}>
              {code}
            </option>
          ))}
        </Field>
        <Field
          label="Rate per minute"
          value={draft.rate}
          onInput={set("rate")}
          error={at("rate_per_minute") ?? (own?.hourly_rate ? undefined : at("body"))}
          inputMode="decimal"
          hint={rateShown ? `In ${draft.currency}: ${rateShown}.` : `In ${draft.currency}, e.g. 2.50.`}
        />
        <Field
          label="Free initial minutes"
          type="number"
          min={0}
          max={30}
          step={1}
          value={draft.free_minutes}
          onInput={set("free_minutes")}
          error={at("free_minutes")}
          hint="Minutes at the start of a first call that cost the client nothing (0 to 30)."
        />
        <h2>Photo, video and documents</h2>
        <UploadField
          label="Photo"
          purpose="photo"
          accept="image/jpeg,image/png,image/webp"
          hint={draft.photo_key ? "A photo is attached; pick another to replace it." : "JPEG, PNG or WebP, up to 5 MB."}
          onUploaded={(key, file) => {
            set("photo_key")(key);
            set("photo_name")(file.name);
          }}
        />
        {own?.photo_url && draft.photo_key === own.photo_key && (
          <img class="expert-photo" src={own.photo_url} alt={`Your photo, as clients see it`} />
        )}
        {at("photo_key") && <p class="field-error">{at("photo_key")}</p>}
        <UploadField
          label="Intro video"
          purpose="intro_video"
          accept="video/mp4,video/quicktime,video/webm"
          hint={draft.intro_video_key ? "A video is attached; pick another to replace it." : "MP4, MOV or WebM, up to 200 MB."}
          onUploaded={(key) => set("intro_video_key")(key)}
        />
        {at("intro_video_key") && <p class="field-error">{at("intro_video_key")}</p>}
        <UploadField
          label="Verification document"
          purpose="verification_document"
          accept="application/pdf,image/jpeg,image/png"
          hint="An ID or a certificate (PDF, JPEG or PNG, up to 10 MB; up to five). Only Parley sees them."
          onUploaded={(key, file) => {
            setSaved(false);
            setDraft((previous) => ({ ...previous, documents: [...previous.documents, { key, name: file.name }] }));
          }}
        />
        {draft.documents.length > 0 && (
          <ul class="documents" aria-label="Verification documents">
            {draft.documents.map((document) => (
              <li key={document.key}>
                {document.name}{" "}
                <button
                  type="button"
                  onClick={() => set("documents")(draft.documents.filter((d) => d.key !== document.key))}
                  aria-label={`Remove ${document.name}`}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        {at("verification_document_keys") && <p class="field-error">{at("verification_document_keys")}</p>}
      </Form>
      {saved && <Status>Profile saved.</Status>}
      {own && <PersonalLink slug={own.slug} />}
      <p>
        <Link href="/expert">Back to your expert dashboard</Link>
      </p>
    </>
  );
}

/** The profile's personal link with a button that copies it (and says whether that worked). */
export function PersonalLink({ slug }: { slug: string }): JSX.Element {
  const [told, setTold] = useState<string | null>(null);
  const url = personalLink(slug);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setTold("Link copied.");
    } catch {
      setTold("The link could not be copied: select it and copy it yourself.");
    }
  };
  return (
    <section class="card personal-link" aria-labelledby="personal-link">
      <h2 id="personal-link">Your personal link</h2>
      <p>
        <a href={url}>{url}</a>
      </p>
      <button type="button" onClick={() => void copy()}>
        Copy link
      </button>
      <p role="status" class="copy-status">
        {told}
      </p>
    </section>
  );
}
