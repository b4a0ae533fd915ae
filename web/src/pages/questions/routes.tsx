// Ask an expert: free questions, the similar ones found as you type, experts' answers, votes and the
// answer that helped. Its pages are loaded when first opened (import()), so the start page stays light.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { RouteEntry } from "../../app/routes";
import type { Route } from "../../app/router";
import { asApiError } from "../../ui/async";
import { ErrorNote } from "../../ui/forms";
import "./questions.css";

type Pages = typeof import("./pages");
let loading: Promise<Pages> | null = null;

function pages(): Promise<Pages> {
  loading ??= import("./pages").catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/** Shows `render(pages)` once the questions' pages are loaded; a loading line before. */
function Lazy({ render }: { render: (found: Pages) => JSX.Element }): JSX.Element {
  const [found, setFound] = useState<Pages | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    pages().then(
      (loaded) => live && setFound(loaded),
      (error: unknown) => live && setFailed(error),
    );
    return () => void (live = false);
  }, []);
  if (found) return render(found);
  if (failed)
    return (
      <section class="page">
        <h1>This page cannot be loaded</h1>
        <ErrorNote error={asApiError(new Error("The page could not be loaded; check your connection and reload."))} />
      </section>
    );
  return (
    <p class="loading" role="status">
      Loading…
    </p>
  );
}

export const questionsRoutes: RouteEntry[] = [
  {
    pattern: "/questions",
    nav: { label: "Ask an expert", order: 15 },
    page: (_, route: Route) => <Lazy render={({ AskPage }) => <AskPage route={route} />} />,
  },
  {
    pattern: "/questions/:questionId",
    page: ({ questionId }) => <Lazy key={questionId} render={({ QuestionPage }) => <QuestionPage questionId={questionId!} />} />,
  },
  {
    pattern: "/questions/:questionId/history",
    page: ({ questionId }) => (
      <Lazy key={questionId} render={({ HistoryPage }) => <HistoryPage kind="question" id={questionId!} />} />
    ),
  },
  {
    pattern: "/answers/:answerId/history",
    page: ({ answerId }) => <Lazy key={answerId} render={({ HistoryPage }) => <HistoryPage kind="answer" id={answerId!} />} />,
  },
  {
    pattern: "/me/questions",
    audience: "signed-in",
    nav: { label: "My questions", order: 25 },
    page: () => <Lazy render={({ MyQuestionsPage }) => <MyQuestionsPage />} />,
  },
  {
    pattern: "/experts/:expertId",
    page: ({ expertId }) => <Lazy key={expertId} render={({ ExpertLinkPage }) => <ExpertLinkPage expertId={expertId!} />} />,
  },
];
