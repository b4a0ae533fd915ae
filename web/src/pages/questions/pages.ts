// The questions area's pages, one lazily loaded chunk (see routes.tsx).
export { AskPage } from "./ask-page";
export { ExpertLinkPage, HistoryPage, MyQuestionsPage } from "./other-pages";
export { QuestionPage } from "./question-page";
