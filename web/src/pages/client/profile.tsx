// /e/:slug: an expert's public profile (GET /experts/by-slug/{slug}), their reputation and how
// they answer messages, services, reviews, articles, documents and answers, and next free times in
// the viewer's zone; "Call now", booking a time with a card, and sending a message. Once shown, the
// profile counts a view for the expert's statistics (POST /experts/{id}/views, fire and forget).
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { type Answer, idempotencyKey, type Schemas } from "../../api";
import { app, useAccount } from "../../app/context";
import { Link, navigate } from "../../app/router";
import { money, reputationText, responsivenessText, viewerZone, when } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { CardField, confirmHold, type CardHandle } from "../../ui/card";
import { Field, Form } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { type Profile, rateText, ratingText, type Slot, SlotPicker, Stars } from "./common";
import { SendMessage } from "./message";
import { AnswersSection, ArticlesSection, DocumentsSection } from "./publications";

export function ProfilePage({ slug }: { slug: string }): JSX.Element {
  const profile = useLoad(() => app.api.get("/experts/by-slug/{slug}", { path: { slug } }), [slug]);
  if (profile.state !== "ready")
    return (
      <Page title={profile.state === "failed" ? "Expert not found" : "Expert"}>
        <Await loaded={profile} what="the profile">
          {() => null}
        </Await>
      </Page>
    );
  return <ProfileView profile={profile.data} />;
}

/** This browser's random viewer id (no person behind it), so its reloads of a profile count as one view a day. */
function viewerId(): string | null {
  try {
    let id = localStorage.getItem("parley.viewer");
    if (!id) {
      id = crypto.randomUUID();
      localStorage.setItem("parley.viewer", id);
    }
    return id;
  } catch {
    return null; // storage refused (private mode): the view still counts, once per beacon
  }
}

/** Counts one view of the profile once it is on screen; a failure is not the viewer's concern. */
function useViewBeacon(expertId: string): void {
  useEffect(() => {
    app.api
      .post("/experts/{expert_id}/views", { path: { expert_id: expertId }, body: { viewer: viewerId() } })
      .catch(() => undefined);
  }, [expertId]);
}

function ProfileView({ profile }: { profile: Profile }): JSX.Element {
  const price = rateText(profile);
  const who = useAccount();
  useViewBeacon(profile.expert_id);
  return (
    <Page title={profile.name}>
      <div class="profile-head">
        {profile.photo_url && (
          <img class="profile-photo" src={profile.photo_url} alt={`Photo of ${profile.name}`} width={128} height={128} />
        )}
        <div>
          {profile.job_title && (
            <p class="profile-job">
              {profile.job_title}
              {profile.company ? `, ${profile.company}` : ""}
            </p>
          )}
          <dl class="facts">
            <dt>Rate</dt>
            <dd>{price || "Not set"}</dd>
            <dt>Free minutes</dt>
            <dd>{profile.free_minutes > 0 ? `First ${profile.free_minutes} minutes of a first call` : "None"}</dd>
            {profile.free_consultation.enabled && profile.free_consultation.minutes && (
              <>
                <dt>Free consultation</dt>
                <dd>A first {profile.free_consultation.minutes}-minute consultation is free</dd>
              </>
            )}
            <dt>Rating</dt>
            <dd>{ratingText(profile.rating.average, profile.rating.count)}</dd>
            <dt>Reputation</dt>
            <dd>{reputationText(profile.reputation)}</dd>
            <dt>Responsiveness</dt>
            <dd>
              {responsivenessText(profile.responsiveness)}
              <span class="muted"> (experts answer messages within {profile.responsiveness.expected_within_hours} hours)</span>
            </dd>
            <dt>Status</dt>
            <dd>{profile.presence === "online" ? "Online now" : profile.presence === "busy" ? "In a call" : "Offline"}</dd>
          </dl>
          {profile.presence === "online" && (
            <p>
              <Link href={`/call?expert=${encodeURIComponent(profile.expert_id)}`} class="button-link">
                Call now
              </Link>
            </p>
          )}
        </div>
      </div>
      {profile.intro_video_url && (
        <>
          <h2>Introduction</h2>
          <video class="intro-video" src={profile.intro_video_url} controls preload="metadata" aria-label={`${profile.name}'s introduction`} />
        </>
      )}
      <h2>About</h2>
      {profile.advice_on && <p>Advice on: {profile.advice_on}</p>}
      {profile.offering && <p>{profile.offering}</p>}
      {profile.description ? <p class="profile-description">{profile.description}</p> : <p class="muted">No description yet.</p>}
      {profile.tags.length > 0 && <p class="muted">Topics: {profile.tags.join(", ")}</p>}
      {profile.skill_stars.length > 0 && (
        <>
          <h2>Stars per skill</h2>
          <ul class="skill-stars">
            {profile.skill_stars.map((skill) => (
              <li key={skill.skill}>
                <span class="skill-name">{skill.skill}</span>{" "}
                {skill.average === null ? (
                  <span class="muted">no stars yet</span>
                ) : (
                  <>
                    <Stars stars={Math.round(skill.average * 10) / 10} /> {skill.average.toFixed(1)} ({skill.count})
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {profile.education.length > 0 && (
        <>
          <h2>Education</h2>
          <ul>
            {profile.education.map((e, index) => (
              <li key={index}>
                {e.qualification}
                {e.field ? ` in ${e.field}` : ""}, {e.institution}
                {e.start_year ? ` (${e.start_year}–${e.end_year ?? ""})` : ""}
              </li>
            ))}
          </ul>
        </>
      )}
      <Services expertId={profile.expert_id} />
      <Booking profile={profile} />
      <section aria-labelledby="message-title">
        <h2 id="message-title">Send a message</h2>
        {!app.auth.signedIn ? (
          <p>
            <Link href={`/sign-in?next=${encodeURIComponent(`/e/${profile.slug}`)}`}>Sign in to send {profile.name} a message</Link>
          </p>
        ) : who && who.account_id === profile.expert_id ? (
          <p class="muted">This is your profile: clients write to you from here.</p>
        ) : (
          <SendMessage expertId={profile.expert_id} name={profile.name} />
        )}
      </section>
      <Reviews expertId={profile.expert_id} />
      <ArticlesSection expertId={profile.expert_id} />
      <DocumentsSection expertId={profile.expert_id} backTo={`/e/${profile.slug}`} />
      <AnswersSection expertId={profile.expert_id} />
    </Page>
  );
}

function Services({ expertId }: { expertId: string }): JSX.Element | null {
  const services = useLoad(() => app.api.get("/experts/{expert_id}/services", { path: { expert_id: expertId } }), [expertId]);
  if (services.state === "ready" && services.data.services.length === 0) return null;
  return (
    <>
      <h2>Services</h2>
      <Await loaded={services} what="services">
        {(found) => (
          <ul class="services">
            {found.services.map((service) => (
              <li key={service.service_id} class="card">
                <h3>{service.name}</h3>
                {service.description && <p>{service.description}</p>}
                <p class="muted">{serviceTerms(service)}</p>
              </li>
            ))}
          </ul>
        )}
      </Await>
    </>
  );
}

type PublicService = Answer<"/experts/{expert_id}/services">["services"][number];

function serviceTerms(service: PublicService): string {
  const parts: string[] = [];
  if (service.upfront_hold !== null) parts.push(`${money(service.upfront_hold, service.currency)} upfront`);
  if (service.ongoing_rate) parts.push(`${money(service.ongoing_rate.amount, service.currency)} a ${service.ongoing_rate.unit}`);
  if (service.meeting) parts.push(`${service.meeting.duration_minutes}-minute meeting`);
  return parts.join(" · ");
}

function Reviews({ expertId }: { expertId: string }): JSX.Element {
  const reviews = useLoad(() => app.api.get("/experts/{expert_id}/reviews", { path: { expert_id: expertId } }), [expertId]);
  return (
    <>
      <h2>Reviews</h2>
      <Await loaded={reviews} what="reviews">
        {(found) =>
          found.items.length === 0 ? (
            <p class="muted">No reviews yet.</p>
          ) : (
            <ul class="reviews">
              {found.items.map((review) => (
                <li key={review.session_id} class="card">
                  <p>
                    <Stars stars={review.stars} /> <span class="muted">{when(review.created_at)}</span>
                  </p>
                  {review.comment && <p>{review.comment}</p>}
                </li>
              ))}
            </ul>
          )
        }
      </Await>
    </>
  );
}

function Booking({ profile }: { profile: Profile }): JSX.Element {
  const [slot, setSlot] = useState<{ slot: Slot; minutes: number } | null>(null);
  return (
    <>
      <h2>Book a time</h2>
      <SlotPicker expertId={profile.expert_id} chosen={slot?.slot.start_utc ?? null} onChoose={(s, minutes) => setSlot({ slot: s, minutes })} />
      {slot &&
        (app.auth.signedIn ? (
          <BookingForm key={slot.slot.start_utc} profile={profile} slot={slot.slot} minutes={slot.minutes} />
        ) : (
          <p>
            <Link href={`/sign-in?next=${encodeURIComponent(`/e/${profile.slug}`)}`}>Sign in to book this time</Link>
          </p>
        ))}
    </>
  );
}

function estimate(profile: Profile, minutes: number): string {
  if (profile.rate_per_minute !== null) return money(profile.rate_per_minute * minutes, profile.currency);
  if (profile.hourly_rate !== null) return money(Math.round((profile.hourly_rate * minutes) / 60), profile.currency);
  return "";
}

function BookingForm({ profile, slot, minutes }: { profile: Profile; slot: Slot; minutes: number }): JSX.Element {
  const free = profile.free_consultation.enabled ? profile.free_consultation.minutes : null;
  const [kind, setKind] = useState<"paid" | "free_consultation">("paid");
  const [media, setMedia] = useState<"video" | "voice">("video");
  const [note, setNote] = useState("");
  const card = useRef<CardHandle | null>(null);
  const key = useRef(idempotencyKey());
  const [made, setMade] = useState<string | null>(null);
  const action = useAction(async () => {
    let bookingId = made;
    if (!bookingId) {
      let method: string | undefined;
      if (kind === "paid") {
        if (!card.current) throw new Error("The card form is still loading.");
        method = await card.current.save();
      }
      const booked = await app.api.post("/bookings", {
        body: {
          expert_id: profile.expert_id,
          start: slot.start_utc,
          minutes: kind === "free_consultation" && free ? free : minutes,
          kind,
          media,
          time_zone: viewerZone() as NonNullable<Schemas["BookingInput"]["time_zone"]>,
          ...(note.trim() ? { note: note.trim() } : {}),
          ...(method ? { payment_method_id: method } : {}),
        },
        key: key.current,
      });
      bookingId = booked.appointment_id;
      setMade(bookingId);
      if (booked.next_action === "confirm_card" && booked.client_secret) {
        await confirmHold(booked.client_secret);
        await app.api.post("/bookings/{appointment_id}/confirm-card", { path: { appointment_id: bookingId } });
      }
    } else {
      // The booking was made but its card confirmation failed: confirm it again.
      const booking = await app.api.get("/bookings/{appointment_id}", { path: { appointment_id: bookingId } });
      if (booking.status === "awaiting_card")
        await app.api.post("/bookings/{appointment_id}/confirm-card", { path: { appointment_id: bookingId } });
    }
    navigate(`/bookings/${encodeURIComponent(bookingId)}`);
  });
  const cost = estimate(profile, minutes);
  return (
    <Form action={action} submit={kind === "paid" ? "Book and pay" : "Book the free consultation"} label="Book this time" class="booking-form">
      <p role="status">
        You are booking {when(slot.start_utc)} ({minutes} minutes)
        {kind === "paid" && cost ? `: ${cost}, held on your card now and charged after the call.` : "."}
      </p>
      {free && (
        <Field label="Kind of booking" as="select" value={kind} onInput={(v) => setKind(v as typeof kind)} error={action.fieldError("kind")}>
          <option value="paid">Paid appointment</option>
          <option value="free_consultation">Free {free}-minute first consultation</option>
        </Field>
      )}
      <Field label="Call" as="select" value={media} onInput={(v) => setMedia(v as typeof media)} error={action.fieldError("media")}>
        <option value="video">Video call</option>
        <option value="voice">Voice call</option>
      </Field>
      <Field label="What you want to discuss (optional)" as="textarea" value={note} onInput={setNote} maxLength={2000}
        error={action.fieldError("note")} />
      {kind === "paid" && <CardField label="Card" onReady={(handle) => (card.current = handle)} />}
      {action.fieldError("start") && <p class="field-error">{action.fieldError("start")}</p>}
      {action.fieldError("payment_method_id") && <p class="field-error">{action.fieldError("payment_method_id")}</p>}
    </Form>
  );
}
