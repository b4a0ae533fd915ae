// Ask an expert: free questions, the similar ones found as you type, experts' answers, votes and the
// answer that helped. Its pages are loaded when first opened (import()), so the start page stays light.
import type { RouteEntry } from "../../app/routes";
import { lazyChunk } from "../../ui/lazy";
import type { Route } from "../../app/router";
import "./questions.css";

const Lazy = lazyChunk(() => import("./pages"));

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
