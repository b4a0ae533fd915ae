// What the leads pages share: the skills catalogue (names for ids), the stage and status words,
// seller names for bids, and a lead's conversation with one seller (questions, the delivery).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { ApiError, idempotencyKey, type Answer } from "../../api";
import { app } from "../../app/context";
import { day, money, when } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { ErrorNote, Field, Submit } from "../../ui/forms";
import { Await } from "../../ui/page";
import { UploadField } from "../../ui/upload";

export type Catalogue = Answer<"/catalogue">;
export type Lead = Answer<"/leads/{lead_id}">;
export type Bid = Answer<"/leads/{lead_id}/bids">["items"][number];
export type BidView = Answer<"/leads/{lead_id}/bids/{seller_id}">;
type Message = Answer<"/conversations/{thread_id}/messages">["items"][number];

let catalogue: Promise<Catalogue> | null = null;

/** GET /catalogue once per visit (it changes with releases only). */
export function loadCatalogue(): Promise<Catalogue> {
  catalogue ??= app.api.get("/catalogue").catch((error: unknown) => {
    catalogue = null;
    throw error;
  });
  return catalogue;
}

export function useCatalogue() {
  return useLoad(loadCatalogue, []);
}

/** A skill's name ("Python") for its id ("python"); the id itself when the catalogue lacks it. */
export function skillName(skills: Catalogue["skills"] | undefined, id: string): string {
  return skills?.find((skill) => skill.id === id)?.name ?? id;
}

export const BUYER_STAGES = [
  { id: "open", label: "Open" },
  { id: "in_progress", label: "In progress" },
  { id: "completed", label: "Completed" },
  { id: "ended", label: "Ended" },
] as const;

export const SELLER_STAGES = [
  { id: "requested", label: "Requested" },
  { id: "in_progress", label: "In progress" },
  { id: "completed", label: "Completed" },
  { id: "ended", label: "Ended" },
] as const;

const STATUS_WORDS: Record<string, string> = {
  open: "Open for bids",
  awaiting_payment: "Terms accepted: awaiting the buyer's payment",
  in_progress: "Paid: work in progress",
  delivered: "Delivered: awaiting the buyer's acceptance",
  completed: "Completed",
  closed: "Closed",
  cancelled: "Cancelled",
  disputed: "Disputed: the funds are frozen until an operator decides",
};

export function statusText(status: string): string {
  return STATUS_WORDS[status] ?? status;
}

const BID_WORDS: Record<string, string> = {
  negotiating: "Negotiating",
  accepted: "Accepted",
  lost: "Not chosen",
  withdrawn: "Withdrawn",
};

export function bidStatusText(status: string): string {
  return BID_WORDS[status] ?? status;
}

/** The budget line of a lead card. */
export function budgetText(lead: { budget: number; currency: string; wished_deadline: string | null }): string {
  const budget = `Budget ${money(lead.budget, lead.currency)}`;
  return lead.wished_deadline ? `${budget} · wished by ${day(`${lead.wished_deadline}T12:00:00Z`, "UTC")}` : budget;
}

const names = new Map<string, Promise<string>>();

/** A seller's public name (their expert profile), fetched once per visit; "A seller" if it cannot be read. */
export function sellerName(sellerId: string): Promise<string> {
  let found = names.get(sellerId);
  if (!found) {
    found = app.api
      .get("/experts/{expert_id}", { path: { expert_id: sellerId } })
      .then((profile) => profile.name)
      .catch(() => "A seller");
    names.set(sellerId, found);
  }
  return found;
}

export function SellerName({ sellerId }: { sellerId: string }): JSX.Element {
  const name = useLoad(() => sellerName(sellerId), [sellerId]);
  return <>{name.state === "ready" ? name.data : "A seller"}</>;
}

export function threadId(leadId: string, sellerId: string): string {
  return `lead:${leadId}.${sellerId}`;
}

async function messages(thread: string): Promise<Message[] | null> {
  try {
    const page = await app.api.get("/conversations/{thread_id}/messages", { path: { thread_id: thread }, query: { limit: 100 } });
    return page.items;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null; // not opened yet
    throw error;
  }
}

/** The lead's conversation between its buyer and one seller: what was said and done, and a reply box.
 * `open` opens it first (the buyer asking a seller before they bid). */
export function Conversation({
  leadId,
  sellerId,
  title,
  headingId,
  withFiles = false,
  open,
  me,
  level = 3,
}: {
  leadId: string;
  sellerId: string;
  title: string;
  headingId: string;
  withFiles?: boolean;
  open?: () => Promise<unknown>;
  me: string;
  level?: 2 | 3 | 4;
}): JSX.Element {
  const Heading = level === 2 ? "h2" : level === 3 ? "h3" : "h4";
  const thread = threadId(leadId, sellerId);
  const loaded = useLoad(() => messages(thread), [thread]);
  return (
    <section class="lead-thread" aria-labelledby={headingId}>
      <Heading id={headingId}>{title}</Heading>
      <Await loaded={loaded} what="the conversation">
        {(items) => (
          <>
            {items && items.length > 0 ? (
              <ul class="thread-items" aria-live="polite">
                {items.map((item) => (
                  <li key={item.message_id} class={item.kind === "event" ? "thread-event" : "thread-message"}>
                    <p class="thread-meta">
                      {item.kind === "event" ? "Parley" : item.sender_id === me ? "You" : "They"} ·{" "}
                      <time dateTime={item.sent_at}>{when(item.sent_at)}</time>
                    </p>
                    <p class="thread-text">{item.text}</p>
                    {item.attachments.length > 0 && (
                      <ul class="files">
                        {item.attachments.map((file) => (
                          <li key={file.key}>
                            {file.download_url ? <a href={file.download_url}>{file.file_name}</a> : file.file_name}
                          </li>
                        ))}
                      </ul>
                    )}
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">Nothing said yet.</p>
            )}
            {(items || open) && <Reply thread={thread} open={items ? undefined : open} withFiles={withFiles} sent={loaded.reload} />}
          </>
        )}
      </Await>
    </section>
  );
}

type Attached = { key: string; file_name: string };

function Reply({
  thread,
  open,
  withFiles,
  sent,
}: {
  thread: string;
  open: (() => Promise<unknown>) | undefined;
  withFiles: boolean;
  sent: () => void;
}): JSX.Element {
  const [text, setText] = useState("");
  const [files, setFiles] = useState<Attached[]>([]);
  const [key, setKey] = useState(idempotencyKey);
  const action = useAction(async () => {
    if (open) await open();
    await app.api.post("/conversations/{thread_id}/messages", {
      path: { thread_id: thread },
      body: { text, attachments: files },
      key,
    });
    setText("");
    setFiles([]);
    setKey(idempotencyKey());
    sent();
  });
  const label = open ? "Your question" : "Your message";
  return (
    <form
      class="reply"
      aria-busy={action.busy ? "true" : undefined}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void action.run();
      }}
    >
      <Field label={label} as="textarea" rows={3} value={text} onInput={setText} maxLength={5000} error={action.fieldError("text")} />
      {withFiles && (
        <>
          <UploadField
            label="Attach a file"
            purpose="message_attachment"
            accept="application/pdf,image/png,image/jpeg,image/webp,text/plain,application/zip"
            onUploaded={(fileKey, file) => setFiles((had) => [...had, { key: fileKey, file_name: file.name }])}
          />
          {files.length > 0 && (
            <ul class="files" aria-label="Files to send">
              {files.map((file) => (
                <li key={file.key}>{file.file_name}</li>
              ))}
            </ul>
          )}
        </>
      )}
      <ErrorNote error={action.error} />
      <Submit busy={action.busy}>{open ? "Ask" : "Send"}</Submit>
    </form>
  );
}
