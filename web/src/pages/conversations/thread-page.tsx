// /conversations/:threadId: one thread's messages oldest to newest (the latest shown, earlier ones on
// request), whose answer it awaits, and the composer: a message with files, sent once however often
// Send is pressed (one Idempotency-Key per draft). New messages are fetched every few seconds while
// the page is open and announced to screen readers.
//
// The API pages a thread forward only (oldest first), so the page walks its pages once and then
// re-reads only the last page it knows (its cursor) when it polls.
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { idempotencyKey, type ApiError } from "../../api";
import { app } from "../../app/context";
import { Link } from "../../app/router";
import { when } from "../../format";
import { asApiError, fieldMessage, useAction, useLoad } from "../../ui/async";
import { ErrorNote, Field, Form } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { UploadField } from "../../ui/upload";
import { capitalised, localTimes, myId, otherName, subjectOf, waitingLabel, waitingReminder, type Message, type Thread } from "./threads";

const PAGE_SIZE = 100; // the API's largest page: fewest requests
const SHOWN_STEP = 20; // messages shown at first, and more each time "Earlier messages" is pressed
const POLL_MS = 3000;
const RELINK_MS = 4 * 60_000; // attachment links last 5 minutes: every 4, the whole thread is read again
const MAX_TEXT = 10_000;
const ACCEPT = "application/pdf,image/png,image/jpeg,image/webp,text/plain,application/zip,.docx";

type Messages = {
  items: Message[];
  /** The cursor that reads the last page (undefined: the first page), and where that page starts in `items`. */
  tailCursor: string | undefined;
  tailStart: number;
};

/** Every message from `cursor` on: its pages in order, and where the last one starts. */
async function readFrom(threadId: string, cursor: string | undefined): Promise<Messages> {
  const items: Message[] = [];
  let next = cursor;
  for (;;) {
    const at = next;
    const page = await app.api.get("/conversations/{thread_id}/messages", {
      path: { thread_id: threadId },
      query: at ? { limit: PAGE_SIZE, cursor: at } : { limit: PAGE_SIZE },
    });
    const start = items.length;
    items.push(...page.items);
    if (!page.next_cursor) return { items, tailCursor: at, tailStart: start };
    next = page.next_cursor;
  }
}

type Opened = { thread: Thread; other: string; messages: Messages };

async function open(threadId: string): Promise<Opened> {
  const [thread, messages] = await Promise.all([
    app.api.get("/conversations/{thread_id}", { path: { thread_id: threadId } }),
    readFrom(threadId, undefined),
  ]);
  return { thread, other: await otherName(thread), messages };
}

export function ThreadPage({ threadId }: { threadId: string }): JSX.Element {
  const opened = useLoad(() => open(threadId), [threadId]);
  const title = opened.state === "ready" ? localTimes(opened.data.thread.title) : "Conversation";
  return (
    <Page title={title}>
      <Await loaded={opened} what="the conversation">
        {(data) => <Conversation threadId={threadId} opened={data} />}
      </Await>
    </Page>
  );
}

function senderName(message: Message, me: string, other: string): string {
  if (message.kind === "event" || message.sender_id === "system") return "Parley";
  return message.sender_id === me ? "You" : capitalised(other);
}

function Conversation({ threadId, opened }: { threadId: string; opened: Opened }): JSX.Element {
  const [thread, setThread] = useState(opened.thread);
  const [messages, setMessages] = useState(opened.messages);
  const [hiddenBefore, setHiddenBefore] = useState(Math.max(0, opened.messages.items.length - SHOWN_STEP));
  const [pollError, setPollError] = useState<ApiError | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [focusId, setFocusId] = useState<string | null>(null); // the first message "Earlier messages" revealed
  const current = useRef(messages);
  current.current = messages;
  const sends = useRef(0); // a poll that started before a send finished is dropped: the next one has it
  const me = myId(thread);
  const other = opened.other;

  // New messages every few seconds while the page is open; stopped when it closes.
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let linked = Date.now();
    const poll = async () => {
      const before = current.current;
      const sendsBefore = sends.current;
      const whole = Date.now() - linked > RELINK_MS;
      const base = whole ? 0 : before.tailStart;
      try {
        const tail = await readFrom(threadId, whole ? undefined : before.tailCursor);
        if (!live || sends.current !== sendsBefore || current.current !== before) return;
        if (whole) linked = Date.now();
        const known = new Set(before.items.map((m) => m.message_id));
        const arrived = tail.items.filter((m) => !known.has(m.message_id));
        setMessages({
          items: [...before.items.slice(0, base), ...tail.items],
          tailCursor: tail.tailCursor,
          tailStart: base + tail.tailStart,
        });
        setPollError(null);
        if (arrived.length) {
          const fromOthers = arrived.filter((m) => m.sender_id !== me);
          const latest = fromOthers[fromOthers.length - 1];
          if (latest)
            setAnnouncement(
              `${fromOthers.length > 1 ? `${fromOthers.length} new messages. Latest from` : "New message from"} ${senderName(latest, me, other)}: ${latest.text}`,
            );
          const changed = await app.api.get("/conversations/{thread_id}", { path: { thread_id: threadId } });
          if (live) setThread(changed);
        }
      } catch (caught) {
        if (live) setPollError(asApiError(caught));
      } finally {
        if (live) timer = setTimeout(() => void poll(), POLL_MS);
      }
    };
    timer = setTimeout(() => void poll(), POLL_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [threadId, me, other]);

  const sent = async (message: Message) => {
    sends.current += 1;
    setMessages((shown) =>
      shown.items.some((m) => m.message_id === message.message_id) ? shown : { ...shown, items: [...shown.items, message] },
    );
    setThread(await app.api.get("/conversations/{thread_id}", { path: { thread_id: threadId } }));
  };

  const subject = subjectOf(thread);
  const reminder = waitingReminder(thread, other);
  const shown = messages.items.slice(hiddenBefore);
  return (
    <>
      <p class="thread-about">
        {subject.kind}
        {subject.href && (
          <>
            {": "}
            <Link href={subject.href}>{subject.link}</Link>
          </>
        )}
        {" · "}With {other}
        {" · "}
        <Link href="/conversations">All conversations</Link>
      </p>
      <p class={thread.waiting_on_me ? "waiting-line mine" : "waiting-line"}>{reminder ?? waitingLabel(thread, other)}</p>
      <section aria-labelledby="messages-title">
        <h2 id="messages-title">Messages</h2>
        {hiddenBefore > 0 && (
          <p>
            <button
              type="button"
              onClick={() => {
                const from = Math.max(0, hiddenBefore - SHOWN_STEP);
                setFocusId(messages.items[from]?.message_id ?? null);
                setHiddenBefore(from);
              }}
            >
              Earlier messages
            </button>{" "}
            <span class="muted">{hiddenBefore} not shown</span>
          </p>
        )}
        {shown.length ? (
          <ol class="messages" aria-label="Messages">
            {shown.map((message) => (
              <MessageItem
                key={message.message_id}
                message={message}
                who={senderName(message, me, other)}
                mine={message.sender_id === me}
                focused={message.message_id === focusId}
              />
            ))}
          </ol>
        ) : (
          <p class="muted">No messages yet.</p>
        )}
        <ErrorNote error={pollError} />
        <p class="visually-hidden" role="status" aria-live="polite" aria-label="New messages">
          {announcement}
        </p>
      </section>
      <Composer threadId={threadId} onSent={sent} />
    </>
  );
}

type ItemProps = { message: Message; who: string; mine: boolean; focused: boolean };

function MessageItem({ message, who, mine, focused }: ItemProps): JSX.Element {
  const kind = message.kind === "event" ? "message event" : mine ? "message mine" : "message";
  const item = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (focused) item.current?.focus();
  }, [focused]);
  return (
    <li class={kind} ref={item} tabIndex={focused ? -1 : undefined}>
      <p class="message-meta">
        <strong>{who}</strong> <time dateTime={message.sent_at}>{when(message.sent_at)}</time>
      </p>
      <p class="message-text">{message.kind === "event" ? localTimes(message.text) : message.text}</p>
      {message.attachments.length > 0 && (
        <ul class="attachments" aria-label="Attachments">
          {message.attachments.map((file) => (
            <li key={file.key}>
              {file.download_url ? <a href={file.download_url}>{file.file_name}</a> : file.file_name}{" "}
              <span class="muted">({size(file.size_bytes)})</span>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

type Attached = { key: string; file_name: string };

function Composer({ threadId, onSent }: { threadId: string; onSent: (message: Message) => Promise<void> }): JSX.Element {
  const [text, setText] = useState("");
  const [files, setFiles] = useState<Attached[]>([]);
  const [round, setRound] = useState(0); // a fresh file picker after each message
  const key = useRef(idempotencyKey()); // one per draft: a retry of the same draft is the same message
  const changed = () => {
    key.current = idempotencyKey();
  };
  const send = useAction(async () => {
    const message = await app.api.post("/conversations/{thread_id}/messages", {
      path: { thread_id: threadId },
      body: { text, attachments: files },
      key: key.current,
    });
    setText("");
    setFiles([]);
    setRound((n) => n + 1);
    changed();
    await onSent(message);
  });
  const fields = send.error?.fields ?? [];
  return (
    <section aria-labelledby="compose-title" class="composer">
      <h2 id="compose-title">Write a message</h2>
      <Form action={send} submit="Send" label="Write a message">
        <Field
          label="Message"
          as="textarea"
          rows={4}
          value={text}
          maxLength={MAX_TEXT}
          error={send.fieldError("text")}
          onInput={(value) => {
            setText(value);
            changed();
          }}
        />
        <UploadField
          key={round}
          label="Attach a file"
          purpose="message_attachment"
          accept={ACCEPT}
          hint="PDF, image, text, ZIP or Word file, up to 25 MB. It is sent with the message."
          onUploaded={(uploaded, file) => {
            setFiles((attached) => [...attached, { key: uploaded, file_name: file.name }]);
            changed();
          }}
        />
        {files.length > 0 && (
          <ul class="to-send" aria-label="Files to send">
            {files.map((file, index) => {
              const refused = fieldMessage(fields, `attachments.${index}.key`);
              return (
                <li key={file.key}>
                  {file.file_name}{" "}
                  <button
                    type="button"
                    onClick={() => {
                      setFiles((attached) => attached.filter((f) => f.key !== file.key));
                      changed();
                    }}
                  >
                    Remove {file.file_name}
                  </button>
                  {refused && <p class="field-error">{refused}</p>}
                </li>
              );
            })}
          </ul>
        )}
      </Form>
    </section>
  );
}
