// /conversations: every thread of the signed-in person, newest activity first: what it is about
// (with a link to it), the other party, the last message and when, and whose answer it awaits.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { app } from "../../app/context";
import { Link } from "../../app/router";
import { when } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { ActionButton } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { capitalised, localTimes, myId, named, subjectOf, threadHref, waitingLabel, type Thread } from "./threads";

type Listed = Thread & { other: string };
type Listing = { items: Listed[]; next: string | null };

async function listPage(cursor: string | null): Promise<Listing> {
  const page = await app.api.get("/conversations", { query: cursor ? { cursor } : {} });
  return { items: await named(page.items), next: page.next_cursor };
}

export function ConversationsPage(): JSX.Element {
  const first = useLoad(() => listPage(null), []);
  return (
    <Page title="Conversations">
      <Await loaded={first} what="your conversations">
        {(listing) => <ThreadList first={listing} />}
      </Await>
    </Page>
  );
}

function ThreadList({ first }: { first: Listing }): JSX.Element {
  const [more, setMore] = useState<Listing>({ items: [], next: first.next });
  const loadMore = useAction(async () => {
    const page = await listPage(more.next);
    setMore((shown) => ({ items: [...shown.items, ...page.items], next: page.next }));
  });
  const threads = [...first.items, ...more.items];
  if (!threads.length)
    return (
      <p>
        No conversations yet. A conversation starts with a booking, a service you check out or a lead you bid on or
        post.
      </p>
    );
  return (
    <>
      <ul class="threads">
        {threads.map((thread) => (
          <ThreadItem key={thread.thread_id} thread={thread} />
        ))}
      </ul>
      {more.next && (
        <ActionButton action={loadMore}>More conversations</ActionButton>
      )}
    </>
  );
}

function ThreadItem({ thread }: { thread: Listed }): JSX.Element {
  const subject = subjectOf(thread);
  const last = thread.last_message;
  const lastBy = !last ? "" : last.sender_id === "system" ? "Parley" : last.sender_id === myId(thread) ? "You" : capitalised(thread.other);
  const waiting = waitingLabel(thread, thread.other);
  return (
    <li class="card thread">
      <h2 class="thread-title">
        <Link href={threadHref(thread.thread_id)}>{localTimes(thread.title)}</Link>
      </h2>
      <p class={thread.waiting_on_me ? "waiting-badge mine" : "waiting-badge"}>{waiting}</p>
      <dl class="facts">
        <dt>About</dt>
        <dd>
          {subject.kind}
          {subject.href && (
            <>
              {": "}
              <Link href={subject.href}>{subject.link}</Link>
            </>
          )}
        </dd>
        <dt>With</dt>
        <dd>{thread.other}</dd>
        <dt>Last</dt>
        <dd>
          {last ? (
            <>
              <span class="preview">
                {lastBy}: {last.sender_id === "system" ? localTimes(last.preview) : last.preview}
              </span>{" "}
              <span class="muted">
                (<time dateTime={thread.last_activity_at}>{when(thread.last_activity_at)}</time>)
              </span>
            </>
          ) : (
            <span class="muted">
              Nothing said yet (opened <time dateTime={thread.created_at}>{when(thread.created_at)}</time>)
            </span>
          )}
        </dd>
      </dl>
    </li>
  );
}
