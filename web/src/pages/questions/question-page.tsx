// /questions/<id>: the question, its answers (the accepted one first, marked "Accepted answer"),
// votes up and down on each answer (mine pressed, from POST /me/votes/lookup; none on my own),
// "Accept this answer" for the asker, an expert's answer form, and editing or removing what is mine
// (removing asks first). Edited text links to its history.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { app, useAccount } from "../../app/context";
import { Link, navigate } from "../../app/router";
import { tagsOf, when } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { ActionButton, ErrorNote, Field, Form } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import {
  answersText,
  categories,
  categoryName,
  type Category,
  type CategorySlug,
  type Question,
  type QuestionAnswer,
  questionHref,
  tagsError,
} from "./common";

type Votes = Record<string, number>; // answer id -> 1, -1 or 0

async function loadQuestion(questionId: string): Promise<{ question: Question; votes: Votes; names: Category[] }> {
  const [question, names] = await Promise.all([
    app.api.get("/questions/{question_id}", { path: { question_id: questionId } }),
    categories(),
  ]);
  const votes: Votes = {};
  const targets = question.answers.slice(0, 100).map((a) => `answer#${a.answer_id}`);
  if (app.auth.signedIn && targets.length) {
    const mine = await app.api.post("/me/votes/lookup", { body: { targets } });
    for (const vote of mine.votes) votes[vote.target.slice("answer#".length)] = vote.value;
  }
  return { question, votes, names };
}

export function QuestionPage({ questionId }: { questionId: string }): JSX.Element {
  const loaded = useLoad(() => loadQuestion(questionId), [questionId, app.auth.signedIn]);
  return (
    <Page title={loaded.state === "ready" ? loaded.data.question.title : "Question"}>
      <Await loaded={loaded} what="the question">
        {({ question, votes, names }) => (
          <QuestionView question={question} votes={votes} names={names} reload={loaded.reload} />
        )}
      </Await>
    </Page>
  );
}

function QuestionView({
  question,
  votes,
  names,
  reload,
}: {
  question: Question;
  votes: Votes;
  names: Category[];
  reload: () => void;
}): JSX.Element {
  const who = useAccount();
  const mine = who?.account_id === question.asker_id;
  const [mode, setMode] = useState<"view" | "edit" | "remove">("view");
  const answered = who ? question.answers.some((a) => a.expert_id === who.account_id) : false;
  return (
    <>
      <article class="card question" aria-label="The question">
        <p class="question-body">{question.body}</p>
        <dl class="facts">
          <dt>Category</dt>
          <dd>{categoryName(names, question.category)}</dd>
          {question.tags.length > 0 && (
            <>
              <dt>Tags</dt>
              <dd>
                <ul class="tags" aria-label="Tags">
                  {question.tags.map((tag) => (
                    <li key={tag}>{tag}</li>
                  ))}
                </ul>
              </dd>
            </>
          )}
          <dt>Asked</dt>
          <dd>
            {mine ? "by you" : question.asker_name ? `by ${question.asker_name}` : ""}{" "}
            <time dateTime={question.created_at}>{when(question.created_at)}</time>
          </dd>
          {question.revision > 1 && (
            <>
              <dt>Edited</dt>
              <dd>
                <time dateTime={question.updated_at}>{when(question.updated_at)}</time>{" "}
                (<Link href={`${questionHref(question.question_id)}/history`}>see its history</Link>)
              </dd>
            </>
          )}
        </dl>
        {mine && mode === "view" && (
          <div class="row">
            <button type="button" onClick={() => setMode("edit")}>
              Edit the question
            </button>
            <button type="button" class="danger" onClick={() => setMode("remove")}>
              Remove the question
            </button>
          </div>
        )}
        {mine && mode === "edit" && (
          <EditQuestion question={question} names={names} onDone={() => (setMode("view"), reload())} onBack={() => setMode("view")} />
        )}
        {mine && mode === "remove" && <RemoveQuestion question={question} onBack={() => setMode("view")} />}
      </article>
      <section aria-labelledby="answers-title">
        <h2 id="answers-title">{question.answers.length ? answersText(question.answers.length) : "No answers yet"}</h2>
        <ul class="answers">
          {question.answers.map((answer) => (
            <AnswerItem
              key={answer.answer_id}
              answer={answer}
              myVote={votes[answer.answer_id] ?? 0}
              asker={mine}
              reload={reload}
            />
          ))}
        </ul>
      </section>
      {!mine && !answered && (
        <section aria-labelledby="answer-title">
          <h2 id="answer-title">Your answer</h2>
          {who ? (
            <AnswerForm questionId={question.question_id} expert={who.roles.includes("expert")} onDone={reload} />
          ) : (
            <p>
              Experts: <Link href={`/sign-in?next=${encodeURIComponent(questionHref(question.question_id))}`}>sign in</Link>{" "}
              to answer this question.
            </p>
          )}
        </section>
      )}
    </>
  );
}

function AnswerItem({
  answer,
  myVote,
  asker,
  reload,
}: {
  answer: QuestionAnswer;
  myVote: number;
  asker: boolean;
  reload: () => void;
}): JSX.Element {
  const who = useAccount();
  const own = who?.account_id === answer.expert_id;
  const [mode, setMode] = useState<"view" | "edit" | "remove">("view");
  const accept = useAction(async () => {
    await app.api.post("/questions/{question_id}/accept", {
      path: { question_id: answer.question_id },
      body: { answer_id: answer.answer_id },
    });
    reload();
  });
  const titleId = `answer-${answer.answer_id}`;
  return (
    <li class={answer.accepted ? "card answer accepted" : "card answer"} aria-labelledby={titleId}>
      <h3 id={titleId} class="answer-by">
        {answer.accepted && <span class="accepted-badge">Accepted answer</span>}
        <span>
          {own ? "Your answer" : "Answer by "}
          {!own && <Link href={`/experts/${encodeURIComponent(answer.expert_id)}`}>{answer.expert_name ?? "an expert"}</Link>}
        </span>
      </h3>
      <p class="answer-body">{answer.body}</p>
      <p class="muted">
        Answered <time dateTime={answer.created_at}>{when(answer.created_at)}</time>
        {answer.revision > 1 && (
          <>
            {" · edited "}
            <time dateTime={answer.updated_at}>{when(answer.updated_at)}</time> (
            <Link href={`/answers/${encodeURIComponent(answer.answer_id)}/history`}>see its history</Link>)
          </>
        )}
      </p>
      <VoteButtons answer={answer} myVote={myVote} canVote={Boolean(who) && !own} />
      {asker && !answer.accepted && (
        <ActionButton action={accept} class="primary">
          Accept this answer
        </ActionButton>
      )}
      {own && mode === "view" && (
        <div class="row">
          <button type="button" onClick={() => setMode("edit")}>
            Edit my answer
          </button>
          <button type="button" class="danger" onClick={() => setMode("remove")}>
            Remove my answer
          </button>
        </div>
      )}
      {own && mode === "edit" && <EditAnswer answer={answer} onDone={() => (setMode("view"), reload())} onBack={() => setMode("view")} />}
      {own && mode === "remove" && <RemoveAnswer answer={answer} onDone={reload} onBack={() => setMode("view")} />}
    </li>
  );
}

/** Up and down with their counts; pressing my vote again takes it back. Counts only on my own answer or signed out. */
function VoteButtons({ answer, myVote, canVote }: { answer: QuestionAnswer; myVote: number; canVote: boolean }): JSX.Element {
  const [shown, setShown] = useState({ value: myVote, upvotes: answer.upvotes, downvotes: answer.downvotes });
  const vote = useAction(async (value: 1 | -1) => {
    const next = shown.value === value ? 0 : value;
    const result = await app.api.put("/answers/{answer_id}/vote", { path: { answer_id: answer.answer_id }, body: { value: next } });
    setShown({ value: result.value, upvotes: result.upvotes, downvotes: result.downvotes });
  });
  if (!canVote)
    return (
      <p class="votes muted">
        {shown.upvotes} up · {shown.downvotes} down
      </p>
    );
  return (
    <div class="votes" role="group" aria-label="Votes on this answer">
      <button type="button" aria-pressed={shown.value === 1 ? "true" : "false"} disabled={vote.busy} onClick={() => void vote.run(1)}>
        Vote up
      </button>
      <span class="vote-count">{shown.upvotes} up</span>
      <button type="button" aria-pressed={shown.value === -1 ? "true" : "false"} disabled={vote.busy} onClick={() => void vote.run(-1)}>
        Vote down
      </button>
      <span class="vote-count">{shown.downvotes} down</span>
      <ErrorNote error={vote.error} />
    </div>
  );
}

function AnswerForm({ questionId, expert, onDone }: { questionId: string; expert: boolean; onDone: () => void }): JSX.Element {
  const [body, setBody] = useState("");
  const send = useAction(async () => {
    await app.api.post("/questions/{question_id}/answers", { path: { question_id: questionId }, body: { body: body.trim() } });
    setBody("");
    onDone();
  });
  return (
    <Form action={send} submit="Post the answer" label="Answer the question">
      <Field
        label="Answer"
        as="textarea"
        rows={6}
        value={body}
        onInput={setBody}
        maxLength={10_000}
        hint={
          expert
            ? "20 characters or more; no contact details. Answers earn you reputation, and more when accepted."
            : "Only experts answer questions; create your expert profile first."
        }
        error={send.fieldError("body")}
        required
      />
    </Form>
  );
}

function EditQuestion({
  question,
  names,
  onDone,
  onBack,
}: {
  question: Question;
  names: Category[];
  onDone: () => void;
  onBack: () => void;
}): JSX.Element {
  const [title, setTitle] = useState(question.title);
  const [body, setBody] = useState(question.body);
  const [category, setCategory] = useState(question.category);
  const [tags, setTags] = useState(question.tags.join(", "));
  const save = useAction(async () => {
    await app.api.patch("/questions/{question_id}", {
      path: { question_id: question.question_id },
      body: { title: title.trim(), body: body.trim(), category: category as CategorySlug, tags: tagsOf(tags) },
    });
    onDone();
  });
  return (
    <>
      <Form action={save} submit="Save the question" label="Edit the question">
        <Field label="Title" value={title} onInput={setTitle} maxLength={200} error={save.fieldError("title")} required />
        <Field label="Details" as="textarea" rows={6} value={body} onInput={setBody} maxLength={10_000} error={save.fieldError("body")} required />
        <Field label="Category" as="select" value={category} onInput={setCategory} error={save.fieldError("category")}>
          {names.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </Field>
        <Field label="Tags" value={tags} onInput={setTags} hint="Up to 5, separated by commas." error={tagsError(save.error?.fields ?? [])} />
      </Form>
      <button type="button" onClick={onBack}>
        Keep it as it is
      </button>
    </>
  );
}

function RemoveQuestion({ question, onBack }: { question: Question; onBack: () => void }): JSX.Element {
  const remove = useAction(async () => {
    await app.api.delete("/questions/{question_id}", { path: { question_id: question.question_id } });
    navigate("/me/questions");
  });
  return (
    <div class="confirm" role="group" aria-labelledby="remove-question-title">
      <h2 id="remove-question-title">Remove this question?</h2>
      <p>Nobody will see it or its answers any more, and it leaves the similar questions.</p>
      <ActionButton action={remove} class="danger">
        Yes, remove the question
      </ActionButton>
      <button type="button" onClick={onBack}>
        Keep it
      </button>
    </div>
  );
}

function EditAnswer({ answer, onDone, onBack }: { answer: QuestionAnswer; onDone: () => void; onBack: () => void }): JSX.Element {
  const [body, setBody] = useState(answer.body);
  const save = useAction(async () => {
    await app.api.patch("/answers/{answer_id}", { path: { answer_id: answer.answer_id }, body: { body: body.trim() } });
    onDone();
  });
  return (
    <>
      <Form action={save} submit="Save my answer" label="Edit my answer">
        <Field label="Answer" as="textarea" rows={6} value={body} onInput={setBody} maxLength={10_000} error={save.fieldError("body")} required />
      </Form>
      <button type="button" onClick={onBack}>
        Keep it as it is
      </button>
    </>
  );
}

function RemoveAnswer({ answer, onDone, onBack }: { answer: QuestionAnswer; onDone: () => void; onBack: () => void }): JSX.Element {
  const remove = useAction(async () => {
    await app.api.delete("/answers/{answer_id}", { path: { answer_id: answer.answer_id } });
    onDone();
  });
  return (
    <div class="confirm" role="group" aria-labelledby={`remove-${answer.answer_id}`}>
      <p id={`remove-${answer.answer_id}`} class="warning">
        Remove your answer? The reputation it earned goes back.
      </p>
      <ActionButton action={remove} class="danger">
        Yes, remove my answer
      </ActionButton>
      <button type="button" onClick={onBack}>
        Keep it
      </button>
    </div>
  );
}
