// What the questions pages share: the API's shapes, category names, tags as typed, the answers' count.
import type { JSX } from "preact";
import type { Answer, FieldError, Schemas } from "../../api";
import { app } from "../../app/context";
import { Link } from "../../app/router";
import { day } from "../../format";

export type Question = Answer<"/questions/{question_id}">;
export type QuestionAnswer = Question["answers"][number];
export type QuestionSummary = Answer<"/questions", "get">["items"][number];
export type Category = Answer<"/catalogue">["categories"][number];
export type CategorySlug = Schemas["QuestionInput"]["category"];

let catalogue: Promise<Category[]> | null = null;

/** The catalogue's categories, asked for once per visit. */
export function categories(): Promise<Category[]> {
  catalogue ??= app.api.get("/catalogue").then(
    (found) => found.categories,
    (error: unknown) => {
      catalogue = null;
      throw error;
    },
  );
  return catalogue;
}

export function categoryName(list: Category[], id: string): string {
  return list.find((c) => c.id === id)?.name ?? id;
}

/** The API's message for the tags (a refused tag is "tags.<n>"). */
export function tagsError(fields: FieldError[]): string | undefined {
  return fields.find((f) => f.field === "tags" || /(^|\.)tags\.\d+$/.test(f.field) || f.field.endsWith(".tags"))?.message;
}

export function answersText(count: number): string {
  return count === 1 ? "1 answer" : `${count} answers`;
}

export function questionHref(id: string): string {
  return `/questions/${encodeURIComponent(id)}`;
}

/** A question as one line of a list: its title as a link, whether it is answered, its category and day. */
export function QuestionItem({ question, names }: { question: QuestionSummary; names: Category[] }): JSX.Element {
  return (
    <li class="card question-item">
      <Link href={questionHref(question.question_id)} class="question-link">
        {question.title}
      </Link>
      <p class="muted question-facts">
        <span class={question.answer_count ? "answered" : "unanswered"}>
          {question.accepted_answer_id ? "Solved" : question.answer_count ? "Answered" : "Not answered yet"}
        </span>
        {" · "}
        {answersText(question.answer_count)} · {categoryName(names, question.category)} · asked{" "}
        <time dateTime={question.created_at}>{day(question.created_at)}</time>
      </p>
    </li>
  );
}
