// /questions: "Ask an expert". As the person types their question, the similar questions experts
// have answered are listed (GET /questions/similar, 250 ms after the last key, a stale answer
// dropped); if none helps, they ask it (POST /questions) and land on it. Below, a category's
// recent questions, for experts looking for questions to answer.
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { idempotencyKey, type ApiError } from "../../api";
import { app } from "../../app/context";
import { Link, navigate, type Route } from "../../app/router";
import { tagsOf } from "../../format";
import { asApiError, useAction, useLoad } from "../../ui/async";
import { ActionButton, ErrorNote, Field, Form } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import {
  answersText,
  categories,
  type Category,
  type CategorySlug,
  questionHref,
  QuestionItem,
  type QuestionSummary,
  tagsError,
} from "./common";

const TYPING_PAUSE_MS = 250;
const SIMILAR_QUERY_MAX = 300; // the API's limit on q
const TITLE_MAX = 200;
const BODY_MAX = 10_000;

type Similar = { question_id: string; title: string; answered: boolean; answer_count: number };
type Found =
  | { state: "idle" }
  | { state: "searching"; items: Similar[] }
  | { state: "ready"; items: Similar[] }
  | { state: "failed"; error: ApiError };

export function AskPage({ route }: { route: Route }): JSX.Element {
  const names = useLoad(categories, []);
  const [text, setText] = useState(route.query.get("q") ?? "");
  const [category, setCategory] = useState(route.query.get("category") ?? "");
  const found = useSimilar(text, category);
  return (
    <Page title="Ask an expert">
      <p class="lead">
        Type your question: questions our experts have answered that are like it are shown as you type. If none of them
        helps, ask yours, free; experts answer it, and you mark the answer that helped.
      </p>
      <Await loaded={names} what="categories">
        {(list) => (
          <>
            <form class="similar-search" role="search" aria-label="Similar questions" onSubmit={(e) => e.preventDefault()}>
              <Field
                label="Your question"
                type="search"
                value={text}
                onInput={setText}
                maxLength={SIMILAR_QUERY_MAX}
                hint="For example: how do I invoice a client abroad?"
                error={found.state === "failed" ? found.error.fields[0]?.message : undefined}
              />
              <Field label="Only in category" as="select" value={category} onInput={setCategory}>
                <option value="">Any category</option>
                {list.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </Field>
            </form>
            <SimilarList found={found} typed={text.trim() !== ""} />
            <section aria-labelledby="ask-title">
              <h2 id="ask-title">None of these helps? Ask it</h2>
              {app.auth.signedIn ? (
                <AskForm typed={text} category={category} names={list} />
              ) : (
                <p>
                  <Link href={`/sign-in?next=${encodeURIComponent(`/questions?q=${encodeURIComponent(text)}`)}`}>
                    Sign in to ask your question
                  </Link>{" "}
                  (or <Link href="/sign-up">sign up</Link>: it is free).
                </p>
              )}
            </section>
            <RecentQuestions names={list} initial={category} />
          </>
        )}
      </Await>
    </Page>
  );
}

/** The similar questions for what is typed: asked 250 ms after the last change; an older answer never replaces a newer one. */
function useSimilar(text: string, category: string): Found {
  const [found, setFound] = useState<Found>({ state: "idle" });
  const asked = useRef(0);
  useEffect(() => {
    const q = text.trim();
    const ask = ++asked.current;
    if (!q) {
      setFound({ state: "idle" });
      return;
    }
    setFound((shown) => ({ state: "searching", items: "items" in shown ? shown.items : [] }));
    const timer = setTimeout(() => {
      app.api
        .get("/questions/similar", {
          query: { q: q.slice(0, SIMILAR_QUERY_MAX), limit: 5, ...(category ? { category: category as CategorySlug } : {}) },
        })
        .then(
          (answer) => ask === asked.current && setFound({ state: "ready", items: answer.items }),
          (error: unknown) => ask === asked.current && setFound({ state: "failed", error: asApiError(error) }),
        );
    }, TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text, category]);
  return found;
}

function SimilarList({ found, typed }: { found: Found; typed: boolean }): JSX.Element {
  const items = "items" in found ? found.items : [];
  const count =
    found.state === "idle"
      ? ""
      : found.state === "failed"
        ? ""
        : found.state === "searching" && !items.length
          ? "Looking for similar questions…"
          : items.length === 0
            ? "No similar questions yet"
            : items.length === 1
              ? "1 similar question"
              : `${items.length} similar questions`;
  return (
    <section class="similar" aria-labelledby="similar-title">
      <h2 id="similar-title">Similar questions</h2>
      <p role="status" class="similar-count">
        {count || (typed ? "" : "Start typing to see similar questions.")}
      </p>
      {found.state === "failed" && <ErrorNote error={found.error} />}
      {items.length > 0 && (
        <ul class="similar-list" aria-busy={found.state === "searching" ? "true" : undefined}>
          {items.map((item) => (
            <li key={item.question_id}>
              <Link href={questionHref(item.question_id)}>{item.title}</Link>{" "}
              <span class={item.answered ? "answered" : "unanswered muted"}>
                ({item.answered ? `answered, ${answersText(item.answer_count)}` : "not answered yet"})
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AskForm({ typed, category, names }: { typed: string; category: string; names: Category[] }): JSX.Element {
  const [title, setTitle] = useState(typed);
  const [titleEdited, setTitleEdited] = useState(false);
  const [body, setBody] = useState("");
  const [chosen, setChosen] = useState(category);
  const [tags, setTags] = useState("");
  const key = useRef(idempotencyKey()); // one per draft: a retry of the same draft is the same question
  useEffect(() => {
    if (!titleEdited) setTitle(typed.trim());
  }, [typed, titleEdited]);
  useEffect(() => {
    if (category) setChosen(category);
  }, [category]);
  const ask = useAction(async () => {
    const asked = await app.api.post("/questions", {
      body: { title: title.trim(), body: body.trim(), category: chosen as CategorySlug, tags: tagsOf(tags) },
      key: key.current,
    });
    navigate(questionHref(asked.question_id));
  });
  return (
    <Form action={ask} submit="Ask the question" label="Ask a new question" class="ask-form">
      <Field
        label="Title"
        value={title}
        onInput={(value) => (setTitle(value), setTitleEdited(true), (key.current = idempotencyKey()))}
        maxLength={TITLE_MAX}
        hint="Your question in one line (10 characters or more)."
        error={ask.fieldError("title")}
        required
      />
      <Field
        label="Details"
        as="textarea"
        rows={6}
        value={body}
        onInput={(value) => (setBody(value), (key.current = idempotencyKey()))}
        maxLength={BODY_MAX}
        hint="What you have tried, what you need (20 characters or more). No e-mail addresses, phone numbers or links: experts answer here."
        error={ask.fieldError("body")}
        required
      />
      <Field
        label="Category"
        as="select"
        value={chosen}
        onInput={(value) => (setChosen(value), (key.current = idempotencyKey()))}
        error={ask.fieldError("category")}
        required
      >
        <option value="">Choose a category</option>
        {names.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </Field>
      <Field
        label="Tags"
        value={tags}
        onInput={(value) => (setTags(value), (key.current = idempotencyKey()))}
        hint="Up to 5, separated by commas, e.g. invoicing, vat."
        error={tagsError(ask.error?.fields ?? [])}
      />
    </Form>
  );
}

type Listing = { items: QuestionSummary[]; next: string | null };

/** A category's newest questions: what experts browse for questions to answer. */
function RecentQuestions({ names, initial }: { names: Category[]; initial: string }): JSX.Element {
  const [category, setCategory] = useState(initial || names[0]?.id || "");
  const first = useLoad(() => listPage(category, null), [category]);
  return (
    <section aria-labelledby="recent-title">
      <h2 id="recent-title">Recent questions</h2>
      <Field label="Category to browse" as="select" value={category} onInput={setCategory}>
        {names.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </Field>
      <Await loaded={first} what="recent questions">
        {(listing) => <RecentList key={category} category={category} first={listing} names={names} />}
      </Await>
    </section>
  );
}

async function listPage(category: string, cursor: string | null): Promise<Listing> {
  const page = await app.api.get("/questions", {
    query: { category: category as CategorySlug, limit: 10, ...(cursor ? { cursor } : {}) },
  });
  return { items: page.items, next: page.next_cursor };
}

function RecentList({ category, first, names }: { category: string; first: Listing; names: Category[] }): JSX.Element {
  const [more, setMore] = useState<Listing>({ items: [], next: first.next });
  const loadMore = useAction(async () => {
    const page = await listPage(category, more.next);
    setMore((shown) => ({ items: [...shown.items, ...page.items], next: page.next }));
  });
  const items = [...first.items, ...more.items];
  if (!items.length) return <p class="muted">No questions in this category yet.</p>;
  return (
    <>
      <ul class="question-list" aria-label="Recent questions">
        {items.map((question) => (
          <QuestionItem key={question.question_id} question={question} names={names} />
        ))}
      </ul>
      {more.next && <ActionButton action={loadMore}>More questions</ActionButton>}
    </>
  );
}
