// /leads/:id: one lead, for its buyer (bids and their negotiation, sellers who fit and a question to
// one, accepting terms, paying, the delivery, accepting it with stars or disputing) and for a seller
// (bidding, negotiating, delivering with a file).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { ApiError, idempotencyKey } from "../../api";
import { app, useAccount } from "../../app/context";
import { day, money, toMinor, when } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { CardField, confirmHold, type CardHandle } from "../../ui/card";
import { ActionButton, Field, Form } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { UploadField } from "../../ui/upload";
import {
  bidStatusText,
  Conversation,
  SellerName,
  sellerName,
  skillName,
  statusText,
  threadId,
  useCatalogue,
  type Bid,
  type Catalogue,
  type Lead,
} from "./common";

type Ctx = { lead: Lead; me: string; catalogue: Catalogue | null; changed: () => void };

export function LeadPage({ leadId }: { leadId: string }): JSX.Element {
  const who = useAccount();
  const [version, setVersion] = useState(0);
  const lead = useLoad(() => app.api.get("/leads/{lead_id}", { path: { lead_id: leadId } }), [leadId, version]);
  const catalogue = useCatalogue();
  const changed = () => setVersion((n) => n + 1);
  return (
    <Page title={lead.data?.title ?? "Lead"}>
      <Await loaded={lead} what="the lead">
        {(data) =>
          who ? (
            <LeadBody ctx={{ lead: data, me: who.account_id, catalogue: catalogue.data, changed }} version={version} />
          ) : (
            <p class="loading" role="status">
              Loading your account…
            </p>
          )
        }
      </Await>
    </Page>
  );
}

function LeadBody({ ctx, version }: { ctx: Ctx; version: number }): JSX.Element {
  const { lead, me } = ctx;
  const buyer = lead.buyer_id === me;
  return (
    <>
      <p class="lead-status" role="status">
        {statusText(lead.status)}
      </p>
      <About ctx={ctx} />
      {buyer ? <BuyerSide ctx={ctx} version={version} /> : <SellerSide ctx={ctx} version={version} />}
    </>
  );
}

function About({ ctx }: { ctx: Ctx }): JSX.Element {
  const { lead, catalogue } = ctx;
  return (
    <section aria-labelledby="about-title">
      <h2 id="about-title">About the work</h2>
      {lead.description ? <p class="lead-description">{lead.description}</p> : <p class="muted">No description.</p>}
      <dl class="facts">
        <dt>Budget</dt>
        <dd>{money(lead.budget, lead.currency)}</dd>
        <dt>Skills</dt>
        <dd>{lead.skills.map((id) => skillName(catalogue?.skills, id)).join(", ")}</dd>
        {lead.wished_deadline && (
          <>
            <dt>Wished by</dt>
            <dd>{day(`${lead.wished_deadline}T12:00:00Z`, "UTC")}</dd>
          </>
        )}
        <dt>Posted</dt>
        <dd>
          <time dateTime={lead.created_at}>{when(lead.created_at)}</time>
        </dd>
        {lead.price !== null && lead.seller_id && (
          <>
            <dt>Hired</dt>
            <dd>
              <SellerName sellerId={lead.seller_id} /> for {money(lead.price, lead.currency)} in {lead.days} days
            </dd>
          </>
        )}
        {lead.paid_at && (
          <>
            <dt>Paid</dt>
            <dd>
              <time dateTime={lead.paid_at}>{when(lead.paid_at)}</time> (held by Parley until the work is accepted)
            </dd>
          </>
        )}
        {lead.due_at && (
          <>
            <dt>Due</dt>
            <dd>
              <time dateTime={lead.due_at}>{when(lead.due_at)}</time>
            </dd>
          </>
        )}
        {lead.delivered_at && (
          <>
            <dt>Delivered</dt>
            <dd>
              <time dateTime={lead.delivered_at}>{when(lead.delivered_at)}</time>
            </dd>
          </>
        )}
        {lead.stars && (
          <>
            <dt>Stars given</dt>
            <dd>
              {Object.entries(lead.stars)
                .map(([skill, given]) => `${skillName(catalogue?.skills, skill)} ${given} of 5`)
                .join(", ")}
            </dd>
          </>
        )}
      </dl>
      {lead.attachments.length > 0 && (
        <>
          <h3>Files</h3>
          <ul class="files">
            {lead.attachments.map((file) => (
              <li key={file.key}>{file.download_url ? <a href={file.download_url}>{file.file_name}</a> : file.file_name}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

// ---- the buyer -------------------------------------------------------------------------------------

function BuyerSide({ ctx, version }: { ctx: Ctx; version: number }): JSX.Element {
  const { lead } = ctx;
  const close = useAction(async () => {
    await app.api.post("/leads/{lead_id}/close", { path: { lead_id: lead.lead_id } });
    ctx.changed();
  });
  const cancel = useAction(async () => {
    await app.api.post("/leads/{lead_id}/cancel", { path: { lead_id: lead.lead_id } });
    ctx.changed();
  });
  const overdue = lead.status === "in_progress" && lead.due_at !== null && new Date(lead.due_at).getTime() < Date.now();
  return (
    <>
      {lead.status === "awaiting_payment" && <Pay ctx={ctx} />}
      {lead.seller_id && ["in_progress", "delivered", "disputed", "completed"].includes(lead.status) && (
        <Conversation
          leadId={lead.lead_id}
          sellerId={lead.seller_id}
          me={ctx.me}
          level={2}
          title="The work: your conversation with the seller"
          headingId="work-thread"
          withFiles
          key={`work-${version}`}
        />
      )}
      {["in_progress", "delivered"].includes(lead.status) && <AcceptWork ctx={ctx} />}
      {["in_progress", "delivered"].includes(lead.status) && <Dispute ctx={ctx} />}
      {(lead.status === "open" || lead.status === "awaiting_payment") && <Bids ctx={ctx} version={version} />}
      {lead.status === "open" && <Sellers ctx={ctx} />}
      {(lead.status === "open" || lead.status === "awaiting_payment" || overdue) && (
        <section aria-labelledby="end-title">
          <h2 id="end-title">End this lead</h2>
          {lead.status === "open" ? (
            <ActionButton action={close}>Close this lead</ActionButton>
          ) : (
            <>
              <p>{overdue ? "The deadline passed undelivered: cancelling refunds you in full." : "You have not paid yet."}</p>
              <ActionButton action={cancel}>Cancel this lead</ActionButton>
            </>
          )}
        </section>
      )}
    </>
  );
}

function Bids({ ctx, version }: { ctx: Ctx; version: number }): JSX.Element {
  const { lead } = ctx;
  const bids = useLoad(() => app.api.get("/leads/{lead_id}/bids", { path: { lead_id: lead.lead_id } }), [lead.lead_id, version]);
  return (
    <section aria-labelledby="bids-title">
      <h2 id="bids-title">Bids</h2>
      <Await loaded={bids} what="the bids">
        {(list) =>
          list.items.length === 0 ? (
            <p>No bids yet. Sellers whose skills fit see your lead.</p>
          ) : (
            <ul class="bids">
              {list.items.map((bid) => (
                <li key={bid.seller_id} class="card">
                  <BidCard ctx={ctx} bid={bid} side="buyer" version={version} />
                </li>
              ))}
            </ul>
          )
        }
      </Await>
    </section>
  );
}

/** One bid: its latest terms, the proposals in order, accepting or proposing new terms, and its conversation. */
function BidCard({ ctx, bid, side, version }: { ctx: Ctx; bid: Bid; side: "buyer" | "seller"; version: number }) {
  const { lead } = ctx;
  const path = { lead_id: lead.lead_id, seller_id: bid.seller_id };
  const name = useLoad(() => (side === "buyer" ? sellerName(bid.seller_id) : Promise.resolve("You")), [bid.seller_id]);
  const who = name.data ?? "The seller";
  const view = useLoad(() => app.api.get("/leads/{lead_id}/bids/{seller_id}", { path }), [bid.seller_id, bid.rounds, version]);
  const theirs = bid.proposed_by !== side;
  const accept = useAction(async () => {
    await app.api.post("/leads/{lead_id}/bids/{seller_id}/accept", { path, body: { round: bid.rounds } });
    ctx.changed();
  });
  const withdraw = useAction(async () => {
    await app.api.post("/leads/{lead_id}/bids/{seller_id}/withdraw", { path });
    ctx.changed();
  });
  const headingId = `bid-${bid.seller_id}`;
  const negotiating = bid.status === "negotiating" && lead.status === "open";
  return (
    <article aria-labelledby={headingId}>
      <h3 id={headingId}>{side === "buyer" ? `Bid from ${who}` : "Your bid"}</h3>
      <p class="bid-terms">
        {money(bid.price, bid.currency)} in {bid.days} {bid.days === 1 ? "day" : "days"} ·{" "}
        {bid.proposed_by === side ? "proposed by you" : side === "buyer" ? `proposed by ${who}` : "proposed by the buyer"} ·{" "}
        {bidStatusText(bid.status)}
      </p>
      <Await loaded={view} what="the proposals">
        {(full) => (
          <ol class="proposals" aria-label="Proposals in order">
            {full.proposals.map((p) => (
              <li key={p.number}>
                {p.proposed_by === side ? "You" : side === "buyer" ? who : "The buyer"}: {money(p.price, bid.currency)} in {p.days}{" "}
                {p.days === 1 ? "day" : "days"}
                {p.message ? ` — “${p.message}”` : ""} <time dateTime={p.created_at}>({when(p.created_at)})</time>
              </li>
            ))}
          </ol>
        )}
      </Await>
      {negotiating && theirs && (
        <ActionButton action={accept} class="primary" label={side === "buyer" ? `Accept ${who}'s bid` : "Accept the buyer's terms"}>
          {side === "buyer" ? `Accept ${who}'s bid` : "Accept the buyer's terms"}
        </ActionButton>
      )}
      {negotiating && <Propose ctx={ctx} sellerId={bid.seller_id} label={side === "buyer" ? `Propose new terms to ${who}` : "Propose new terms"} />}
      {negotiating && side === "seller" && <ActionButton action={withdraw}>Withdraw my bid</ActionButton>}
      <Conversation
        leadId={lead.lead_id}
        sellerId={bid.seller_id}
        me={ctx.me}
        level={4}
        title={side === "buyer" ? `Conversation with ${who}` : "Conversation with the buyer"}
        headingId={`thread-${bid.seller_id}`}
        key={`thread-${bid.seller_id}-${version}`}
      />
    </article>
  );
}

function Terms({
  ctx,
  submit,
  label,
  send,
}: {
  ctx: Ctx;
  submit: string;
  label: string;
  send: (terms: { price: number; days: number; message: string | null }, key: string) => Promise<unknown>;
}): JSX.Element {
  const { lead } = ctx;
  const [price, setPrice] = useState("");
  const [days, setDays] = useState("7");
  const [message, setMessage] = useState("");
  const [key] = useState(idempotencyKey);
  const [problem, setProblem] = useState<{ price?: string; days?: string }>({});
  const action = useAction(async () => {
    const minor = toMinor(price, lead.currency);
    const whole = /^\d+$/.test(days.trim()) ? Number(days) : null;
    const found = {
      ...(minor === null ? { price: `Write the price as an amount in ${lead.currency}, e.g. 250 or 250.50.` } : {}),
      ...(whole === null ? { days: "Write the days as a whole number, e.g. 7." } : {}),
    };
    setProblem(found);
    if (minor === null || whole === null) return;
    await send({ price: minor, days: whole, message: message.trim() || null }, key);
    ctx.changed();
  });
  return (
    <Form action={action} submit={submit} label={label} class="terms-form">
      <Field
        label="Price"
        value={price}
        onInput={setPrice}
        inputMode="decimal"
        hint={`In ${lead.currency}, e.g. 250 or 250.50; the lead's budget is ${money(lead.budget, lead.currency)}.`}
        error={problem.price ?? action.fieldError("price")}
      />
      <Field
        label="Days to deliver"
        value={days}
        onInput={setDays}
        inputMode="numeric"
        hint="Counted from the buyer's payment."
        error={problem.days ?? action.fieldError("days")}
      />
      <Field label="Message" as="textarea" rows={3} value={message} onInput={setMessage} maxLength={2000} error={action.fieldError("message")} />
    </Form>
  );
}

function Propose({ ctx, sellerId, label }: { ctx: Ctx; sellerId: string; label: string }): JSX.Element {
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {label}
      </button>
    );
  return (
    <Terms
      ctx={ctx}
      submit="Send the proposal"
      label={label}
      send={(terms) =>
        app.api.post("/leads/{lead_id}/bids/{seller_id}/proposals", {
          path: { lead_id: ctx.lead.lead_id, seller_id: sellerId },
          body: terms,
        })
      }
    />
  );
}

function Sellers({ ctx }: { ctx: Ctx }): JSX.Element {
  const { lead } = ctx;
  const sellers = useLoad(() => app.api.get("/leads/{lead_id}/sellers", { path: { lead_id: lead.lead_id }, query: { limit: 20 } }), [lead.lead_id]);
  const [asking, setAsking] = useState<string | null>(null);
  return (
    <section aria-labelledby="sellers-title">
      <h2 id="sellers-title">Sellers who fit</h2>
      <p class="muted">Best stars in your lead's skills first. Ask one a question before they bid.</p>
      <Await loaded={sellers} what="the sellers">
        {(page) =>
          page.items.length === 0 ? (
            <p>No seller lists these skills yet.</p>
          ) : (
            <ul class="sellers">
              {page.items.map((seller) => (
                <li key={seller.seller_id} class="card">
                  <h3 id={`seller-${seller.seller_id}`}>{seller.name}</h3>
                  {seller.job_title && <p>{seller.job_title}</p>}
                  <ul class="stars" aria-label={`${seller.name}'s stars`}>
                    {seller.skill_stars.map((s) => (
                      <li key={s.skill}>
                        {skillName(ctx.catalogue?.skills, s.skill)}:{" "}
                        {s.average === null ? "no stars yet" : `${s.average} of 5 (${s.count} ${s.count === 1 ? "rating" : "ratings"})`}
                      </li>
                    ))}
                  </ul>
                  {asking === seller.seller_id ? (
                    <Conversation
                      leadId={lead.lead_id}
                      sellerId={seller.seller_id}
                      me={ctx.me}
                      level={4}
                      title={`Your question to ${seller.name}`}
                      headingId={`ask-${seller.seller_id}`}
                      open={() =>
                        app.api.post("/leads/{lead_id}/conversations/{seller_id}", {
                          path: { lead_id: lead.lead_id, seller_id: seller.seller_id },
                        })
                      }
                    />
                  ) : (
                    <button type="button" onClick={() => setAsking(seller.seller_id)}>
                      Ask {seller.name} a question
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Await>
    </section>
  );
}

function Pay({ ctx }: { ctx: Ctx }): JSX.Element {
  const { lead } = ctx;
  const [card, setCard] = useState<CardHandle | null>(null);
  const [key] = useState(idempotencyKey);
  const pay = useAction(async () => {
    if (!card) throw new ApiError("The card form is still loading.", "card_loading", 0);
    const method = await card.save();
    const send = () =>
      app.api.post("/leads/{lead_id}/pay", { path: { lead_id: lead.lead_id }, body: { payment_method_id: method }, key });
    const answer = await send();
    if (answer.next_action === "confirm_card" && answer.client_secret) {
      await confirmHold(answer.client_secret);
      await send();
    }
    ctx.changed();
  });
  return (
    <section aria-labelledby="pay-title" class="card">
      <h2 id="pay-title">Pay to start the work</h2>
      <p>
        You accepted <SellerName sellerId={lead.seller_id ?? ""} />
        's terms: {money(lead.price ?? 0, lead.currency)} in {lead.days} days. Parley holds the payment until you accept the work.
      </p>
      <Form action={pay} submit="Pay now" label="Payment">
        <CardField onReady={setCard} />
      </Form>
    </section>
  );
}

function AcceptWork({ ctx }: { ctx: Ctx }): JSX.Element {
  const { lead } = ctx;
  const [stars, setStars] = useState<Record<string, string>>(() => Object.fromEntries(lead.skills.map((s) => [s, "5"])));
  const action = useAction(async () => {
    await app.api.post("/leads/{lead_id}/accept-work", {
      path: { lead_id: lead.lead_id },
      body: { stars: Object.fromEntries(Object.entries(stars).map(([skill, given]) => [skill, Number(given)])) },
    });
    ctx.changed();
  });
  return (
    <section aria-labelledby="accept-title">
      <h2 id="accept-title">Accept the work</h2>
      <p>
        {lead.status === "delivered"
          ? "The seller delivered. Accepting closes the lead and pays the seller; rate them in each skill."
          : "The seller has not marked the work delivered yet; you may still accept it."}
      </p>
      <Form action={action} submit="Accept the work" label="Accept and rate">
        {lead.skills.map((skill) => (
          <Field
            key={skill}
            label={`Stars for ${skillName(ctx.catalogue?.skills, skill)}`}
            as="select"
            value={stars[skill] ?? "5"}
            onInput={(value) => setStars((had) => ({ ...had, [skill]: value }))}
            error={action.fieldError(skill) ?? action.fieldError("stars")}
          >
            {[5, 4, 3, 2, 1].map((n) => (
              <option key={n} value={String(n)}>
                {n} {n === 1 ? "star" : "stars"}
              </option>
            ))}
          </Field>
        ))}
      </Form>
    </section>
  );
}

function Dispute({ ctx }: { ctx: Ctx }): JSX.Element {
  const { lead } = ctx;
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const action = useAction(async () => {
    await app.api.post("/leads/{lead_id}/dispute", { path: { lead_id: lead.lead_id }, body: { reason } });
    ctx.changed();
  });
  return (
    <section aria-labelledby="dispute-title">
      <h2 id="dispute-title">Something wrong?</h2>
      {open ? (
        <Form action={action} submit="Dispute the work" label="Dispute">
          <p>The payment is frozen until an operator reads the conversation and decides.</p>
          <Field label="What went wrong" as="textarea" rows={4} value={reason} onInput={setReason} maxLength={5000} error={action.fieldError("reason")} />
        </Form>
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          Dispute the work
        </button>
      )}
    </section>
  );
}

// ---- a seller --------------------------------------------------------------------------------------

function SellerSide({ ctx, version }: { ctx: Ctx; version: number }): JSX.Element {
  const { lead, me } = ctx;
  const bids = useLoad(() => app.api.get("/leads/{lead_id}/bids", { path: { lead_id: lead.lead_id } }), [lead.lead_id, version]);
  const hired = lead.seller_id === me;
  return (
    <>
      {hired && lead.status === "in_progress" && <Deliver ctx={ctx} />}
      {hired && lead.status === "awaiting_payment" && (
        <p class="notice">Terms agreed: the work starts once the buyer pays.</p>
      )}
      {hired && lead.status === "delivered" && <p class="notice">Delivered: the buyer accepts the work or it is accepted automatically 14 days after delivery.</p>}
      {hired && ["in_progress", "delivered"].includes(lead.status) && <Dispute ctx={ctx} />}
      <section aria-labelledby="my-bid-title">
        <h2 id="my-bid-title">Your bid</h2>
        <Await loaded={bids} what="your bid">
          {(list) => {
            const mine = list.items.find((bid) => bid.seller_id === me);
            if (mine) return <BidCard ctx={ctx} bid={mine} side="seller" version={version} />;
            if (lead.status !== "open") return <p>This lead no longer takes bids.</p>;
            return (
              <>
                <Terms
                  ctx={ctx}
                  submit="Send the bid"
                  label="Your bid"
                  send={(terms) => app.api.post("/leads/{lead_id}/bids", { path: { lead_id: lead.lead_id }, body: terms })}
                />
                <Conversation
                  leadId={lead.lead_id}
                  sellerId={me}
                  me={me}
                  level={3}
                  title="Questions from the buyer"
                  headingId="questions-thread"
                  key={`questions-${version}`}
                />
              </>
            );
          }}
        </Await>
      </section>
    </>
  );
}

function Deliver({ ctx }: { ctx: Ctx }): JSX.Element {
  const { lead, me } = ctx;
  const [note, setNote] = useState("");
  const [files, setFiles] = useState<{ key: string; file_name: string }[]>([]);
  const [key] = useState(idempotencyKey);
  const action = useAction(async () => {
    if (files.length > 0) {
      await app.api.post("/conversations/{thread_id}/messages", {
        path: { thread_id: threadId(lead.lead_id, me) },
        body: { text: `Delivered files: ${files.map((f) => f.file_name).join(", ")}`, attachments: files },
        key,
      });
    }
    await app.api.post("/leads/{lead_id}/deliver", { path: { lead_id: lead.lead_id }, body: { note: note.trim() || null } });
    ctx.changed();
  });
  return (
    <section aria-labelledby="deliver-title" class="card">
      <h2 id="deliver-title">Deliver the work</h2>
      {lead.due_at && (
        <p>
          Due <time dateTime={lead.due_at}>{when(lead.due_at)}</time>.
        </p>
      )}
      <Form action={action} submit="Mark as delivered" label="Delivery">
        <Field label="Delivery message" as="textarea" rows={4} value={note} onInput={setNote} maxLength={5000} error={action.fieldError("note")} />
        <UploadField
          label="Attach the work"
          purpose="message_attachment"
          accept="application/pdf,image/png,image/jpeg,image/webp,text/plain,application/zip,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
          hint="PDF, images, text, Word or zip, up to 25 MB; the buyer downloads it from the conversation."
          onUploaded={(fileKey, file) => setFiles((had) => [...had, { key: fileKey, file_name: file.name }])}
        />
        {files.length > 0 && (
          <ul class="files" aria-label="Files to deliver">
            {files.map((file) => (
              <li key={file.key}>{file.file_name}</li>
            ))}
          </ul>
        )}
      </Form>
    </section>
  );
}
