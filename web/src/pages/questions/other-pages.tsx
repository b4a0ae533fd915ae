// /questions/<id>/history and /answers/<id>/history (every revision, oldest first), /me/questions
// (my questions with their answers' count) and /experts/<id> (an answer's expert: to their profile).
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { app } from "../../app/context";
import { Link, navigate } from "../../app/router";
import { when } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { ActionButton } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { categories, type Category, questionHref, QuestionItem, type QuestionSummary } from "./common";

export function HistoryPage({ kind, id }: { kind: "question" | "answer"; id: string }): JSX.Element {
  const loaded = useLoad(
    () =>
      kind === "question"
        ? app.api.get("/questions/{question_id}/revisions", { path: { question_id: id } })
        : app.api.get("/answers/{answer_id}/revisions", { path: { answer_id: id } }),
    [kind, id],
  );
  return (
    <Page title={kind === "question" ? "The question's history" : "The answer's history"}>
      {kind === "question" && (
        <p>
          <Link href={questionHref(id)}>Back to the question</Link>
        </p>
      )}
      <Await loaded={loaded} what="the history">
        {(history) => (
          <ol class="revisions">
            {history.items.map((item) => (
              <li key={item.revision} class="card revision" aria-labelledby={`revision-${item.revision}`}>
                <h2 id={`revision-${item.revision}`}>
                  Revision {item.revision}
                  {item.current ? " (shown now)" : ""}
                </h2>
                <p class="muted">
                  Written <time dateTime={item.written_at}>{when(item.written_at)}</time>
                </p>
                {item.title !== null && <p class="revision-title">{item.title}</p>}
                <p class="revision-body">{item.body}</p>
              </li>
            ))}
          </ol>
        )}
      </Await>
    </Page>
  );
}

type Listing = { items: QuestionSummary[]; next: string | null };

async function myPage(cursor: string | null): Promise<Listing> {
  const page = await app.api.get("/me/questions", { query: { limit: 20, ...(cursor ? { cursor } : {}) } });
  return { items: page.items, next: page.next_cursor };
}

export function MyQuestionsPage(): JSX.Element {
  const loaded = useLoad(() => Promise.all([myPage(null), categories()]), []);
  return (
    <Page title="My questions">
      <p>
        <Link href="/questions">Ask a new question</Link>
      </p>
      <Await loaded={loaded} what="your questions">
        {([first, names]) => <MyList first={first} names={names} />}
      </Await>
    </Page>
  );
}

function MyList({ first, names }: { first: Listing; names: Category[] }): JSX.Element {
  const [more, setMore] = useState<Listing>({ items: [], next: first.next });
  const loadMore = useAction(async () => {
    const page = await myPage(more.next);
    setMore((shown) => ({ items: [...shown.items, ...page.items], next: page.next }));
  });
  const items = [...first.items, ...more.items];
  if (!items.length) return <p>You have not asked a question yet.</p>;
  return (
    <>
      <ul class="question-list" aria-label="My questions">
        {items.map((question) => (
          <QuestionItem key={question.question_id} question={question} names={names} />
        ))}
      </ul>
      {more.next && <ActionButton action={loadMore}>More questions</ActionButton>}
    </>
  );
}

/** An answer names its expert by id: their public profile is at /e/<slug>, so look the slug up and go there. */
export function ExpertLinkPage({ expertId }: { expertId: string }): JSX.Element {
  const loaded = useLoad(() => app.api.get("/experts/{expert_id}", { path: { expert_id: expertId } }), [expertId]);
  useEffect(() => {
    if (loaded.state === "ready") navigate(`/e/${encodeURIComponent(loaded.data.slug)}`, true);
  }, [loaded.state]);
  return (
    <Page title="Expert">
      <Await loaded={loaded} what="the expert's profile">
        {(profile) => (
          <p>
            Opening <Link href={`/e/${encodeURIComponent(profile.slug)}`}>{profile.name}'s profile</Link>…
          </p>
        )}
      </Await>
    </Page>
  );
}
