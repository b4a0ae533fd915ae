// The expert's articles and documents pages, in one chunk loaded when the first of them is opened
// (see routes.tsx).
export { ArticlesPage } from "./articles-page";
export { DocumentsPage } from "./documents-page";
