// What an expert published, on their public profile: articles (each opening its own page),
// documents (download links, votes) and answers (linking to their questions); and /articles/:id,
// one article's text as plain paragraphs with its votes.
import type { ComponentChildren, JSX } from "preact";
import { useState } from "preact/hooks";
import type { Answer } from "../../api";
import { app, useAccount } from "../../app/context";
import { Link } from "../../app/router";
import { day } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { ErrorNote } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { expertById } from "./common";
import { useMyVotes, Votes, votesText } from "./votes";

type ListPage<T> = { items: T[]; next_cursor: string | null };
type ArticleSummary = Answer<"/experts/{expert_id}/articles">["items"][number];
type DocumentView = Answer<"/experts/{expert_id}/documents">["items"][number];
type ExpertAnswer = Answer<"/experts/{expert_id}/answers">["items"][number];

const PAGE = 20;
const paging = (cursor?: string) => (cursor ? { limit: PAGE, cursor } : { limit: PAGE });

/** A titled section listing the first page of a listing, with "More …" by cursor. */
function Paged<T>({
  id,
  title,
  load,
  keys,
  empty,
  more,
  children,
}: {
  id: string;
  title: string;
  load: (cursor?: string) => Promise<ListPage<T>>;
  keys: readonly unknown[];
  empty: string;
  more: string;
  children: (items: T[]) => ComponentChildren;
}): JSX.Element {
  const first = useLoad(() => load(), keys);
  const [extra, setExtra] = useState<{ items: T[]; next: string | null } | null>(null);
  const next = extra ? extra.next : first.state === "ready" ? first.data.next_cursor : null;
  const loadMore = useAction(async () => {
    if (!next) return;
    const page = await load(next);
    setExtra({ items: [...(extra?.items ?? []), ...page.items], next: page.next_cursor });
  });
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <Await loaded={first} what={title.toLowerCase()}>
        {(page) => {
          const items = [...page.items, ...(extra?.items ?? [])];
          if (items.length === 0) return <p class="muted">{empty}</p>;
          return (
            <>
              {children(items)}
              {next && (
                <button type="button" disabled={loadMore.busy} onClick={() => void loadMore.run()}>
                  {loadMore.busy ? "Loading…" : more}
                </button>
              )}
              <ErrorNote error={loadMore.error} />
            </>
          );
        }}
      </Await>
    </section>
  );
}

export function ArticlesSection({ expertId }: { expertId: string }): JSX.Element {
  return (
    <Paged<ArticleSummary>
      id="articles-title"
      title="Articles"
      keys={[expertId]}
      load={(cursor) => app.api.get("/experts/{expert_id}/articles", { path: { expert_id: expertId }, query: paging(cursor) })}
      empty="No articles yet."
      more="More articles"
    >
      {(items) => (
        <ul class="publications">
          {items.map((article) => (
            <li key={article.article_id} class="card">
              <h3>
                <Link href={`/articles/${encodeURIComponent(article.article_id)}`}>{article.title}</Link>
              </h3>
              <p>{article.excerpt}</p>
              <p class="muted">
                {day(article.created_at)} · {votesText(article)}
              </p>
            </li>
          ))}
        </ul>
      )}
    </Paged>
  );
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function DocumentsSection({ expertId, backTo }: { expertId: string; backTo: string }): JSX.Element {
  return (
    <Paged<DocumentView>
      id="documents-title"
      title="Documents"
      keys={[expertId]}
      load={(cursor) => app.api.get("/experts/{expert_id}/documents", { path: { expert_id: expertId }, query: paging(cursor) })}
      empty="No documents yet."
      more="More documents"
    >
      {(items) => <DocumentList documents={items} backTo={backTo} />}
    </Paged>
  );
}

function DocumentList({ documents, backTo }: { documents: DocumentView[]; backTo: string }): JSX.Element {
  const mine = useMyVotes(documents.map((d) => `document#${d.document_id}`));
  return (
    <ul class="publications">
      {documents.map((document) => (
        <li key={document.document_id} class="card">
          <h3>{document.title}</h3>
          {document.description && <p class="plain-text">{document.description}</p>}
          <p>
            {document.download_url ? (
              <a href={document.download_url} download={document.file_name}>
                Download {document.file_name}
              </a>
            ) : (
              document.file_name
            )}{" "}
            <span class="muted">({size(document.size_bytes)})</span>
          </p>
          <Votes
            kind="document"
            id={document.document_id}
            title={document.title}
            authorId={document.expert_id}
            counts={document}
            mine={mine.get(`document#${document.document_id}`)}
            signInTo={backTo}
          />
        </li>
      ))}
    </ul>
  );
}

export function AnswersSection({ expertId }: { expertId: string }): JSX.Element {
  return (
    <Paged<ExpertAnswer>
      id="answers-title"
      title="Answers"
      keys={[expertId]}
      load={(cursor) => app.api.get("/experts/{expert_id}/answers", { path: { expert_id: expertId }, query: paging(cursor) })}
      empty="No answers yet."
      more="More answers"
    >
      {(items) => (
        <ul class="publications">
          {items.map((answer) => (
            <li key={answer.answer_id}>
              <Link href={`/questions/${encodeURIComponent(answer.question_id)}`}>{answer.question_title}</Link>
              <span class="muted">
                {" "}
                · {votesText(answer)}
                {answer.accepted ? " · accepted" : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Paged>
  );
}

/** Plain text as paragraphs: blank lines part them; single line breaks stay (never HTML). */
export function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((part) => part.trim())
    .filter(Boolean);
}

export function ArticlePage({ articleId }: { articleId: string }): JSX.Element {
  const article = useLoad(() => app.api.get("/articles/{article_id}", { path: { article_id: articleId } }), [articleId]);
  if (article.state !== "ready")
    return (
      <Page title={article.state === "failed" ? "Article not found" : "Article"}>
        <Await loaded={article} what="the article">
          {() => null}
        </Await>
      </Page>
    );
  return <ArticleView article={article.data} />;
}

type Article = Answer<"/articles/{article_id}">;

function ArticleView({ article }: { article: Article }): JSX.Element {
  const who = useAccount();
  const author = useLoad(() => expertById(article.expert_id), [article.expert_id]);
  const mine = useMyVotes([`article#${article.article_id}`]);
  const here = `/articles/${encodeURIComponent(article.article_id)}`;
  return (
    <Page title={article.title}>
      <p class="muted">
        By{" "}
        {author.state === "ready" ? (
          <Link href={`/e/${encodeURIComponent(author.data.slug)}`}>{author.data.name}</Link>
        ) : (
          "the expert"
        )}
        , {day(article.created_at)}
        {article.revision > 1 ? ` (edited ${day(article.updated_at)})` : ""}
        {article.category ? ` · ${article.category}` : ""}
      </p>
      {article.tags.length > 0 && <p class="muted">Topics: {article.tags.join(", ")}</p>}
      <div class="article-body">
        {paragraphs(article.body).map((text, index) => (
          <p key={index}>{text}</p>
        ))}
      </div>
      <section aria-labelledby="article-votes">
        <h2 id="article-votes">Was this useful?</h2>
        <Votes
          kind="article"
          id={article.article_id}
          title={article.title}
          authorId={article.expert_id}
          counts={article}
          mine={mine.get(`article#${article.article_id}`)}
          signInTo={here}
        />
        {who?.account_id === article.expert_id && (
          <p>
            <Link href="/expert/articles">Edit it on your articles page</Link>
          </p>
        )}
      </section>
      {author.state === "ready" && (
        <p>
          <Link href={`/e/${encodeURIComponent(author.data.slug)}`}>More from {author.data.name}</Link>
        </p>
      )}
    </Page>
  );
}
