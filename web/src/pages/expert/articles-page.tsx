// /expert/articles: the expert writes articles for their profile (title, plain-text body, a
// category, up to five tags), lists their own with each one's votes, edits one (the replaced text
// is kept in its history) and removes one after confirming (its reputation points go back).
import type { JSX } from "preact";
import { useRef, useState } from "preact/hooks";
import { everyPage, idempotencyKey, type Answer, type Schemas } from "../../api";
import { app, useAccount } from "../../app/context";
import { Link } from "../../app/router";
import { day, tagsOf } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { ActionButton, Field, Form } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { refusedAt, Status } from "./parts";

type Summary = Answer<"/experts/{expert_id}/articles">["items"][number];
type Article = Answer<"/articles/{article_id}">;
type Categories = Answer<"/catalogue">["categories"];
type Draft = { title: string; body: string; category: string; tags: string };

const MAX_PAGES = 20; // 50 a page: every article an expert is likely to have

/** Every article of `expertId`, newest first (the listing's pages walked in order). */
export function allArticles(expertId: string): Promise<Summary[]> {
  return everyPage(
    (cursor) =>
      app.api.get("/experts/{expert_id}/articles", {
        path: { expert_id: expertId },
        query: cursor ? { limit: 50, cursor } : { limit: 50 },
      }),
    MAX_PAGES,
  );
}

function draftOf(article: Article | null): Draft {
  return {
    title: article?.title ?? "",
    body: article?.body ?? "",
    category: article?.category ?? "",
    tags: (article?.tags ?? []).join(", "),
  };
}

export function ArticlesPage(): JSX.Element {
  const who = useAccount();
  const expertId = who?.account_id ?? "";
  const loaded = useLoad(() => Promise.all([app.api.get("/catalogue"), allArticles(expertId)]), [expertId]);
  return (
    <Page title="Your articles">
      <p class="muted">
        Articles show on your public profile; readers vote on them and their votes count towards your reputation.
      </p>
      <Await loaded={loaded} what="your articles">
        {([catalogue, articles]) => <Articles categories={catalogue.categories} first={articles} reload={loaded.reload} />}
      </Await>
      <p>
        <Link href="/expert">Back to your expert dashboard</Link>
      </p>
    </Page>
  );
}

function Articles({ categories, first, reload }: { categories: Categories; first: Summary[]; reload: () => void }): JSX.Element {
  const [editing, setEditing] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const [told, setTold] = useState<string | null>(null);
  const [writing, setWriting] = useState(0); // a new draft after each publication
  const done = (message: string) => {
    setEditing(null);
    setRemoving(null);
    setTold(message);
    reload();
  };
  return (
    <>
      {told && <Status>{told}</Status>}
      <section class="card expert-form" aria-labelledby="write-article">
        <h2 id="write-article">Write an article</h2>
        <ArticleForm
          key={writing}
          article={null}
          categories={categories}
          onDone={(saved) => {
            setWriting((n) => n + 1);
            done(`“${saved.title}” published.`);
          }}
        />
      </section>
      <h2 id="my-articles">Published</h2>
      {first.length === 0 ? (
        <p class="muted">You have published no articles yet.</p>
      ) : (
        <ul class="services" aria-labelledby="my-articles">
          {first.map((article) => (
            <li key={article.article_id} class="card">
              {editing === article.article_id ? (
                <EditArticle
                  articleId={article.article_id}
                  categories={categories}
                  onDone={(saved) => done(`“${saved.title}” saved.`)}
                  onCancel={() => setEditing(null)}
                />
              ) : (
                <>
                  <h3>
                    <Link href={`/articles/${encodeURIComponent(article.article_id)}`}>{article.title}</Link>
                  </h3>
                  <p class="muted">
                    {day(article.created_at)} · {article.upvotes} up, {article.downvotes} down
                  </p>
                  {removing === article.article_id ? (
                    <RemoveArticle article={article} onDone={() => done(`“${article.title}” removed.`)} onKeep={() => setRemoving(null)} />
                  ) : (
                    <div class="row">
                      <button type="button" aria-label={`Edit ${article.title}`} onClick={() => (setTold(null), setEditing(article.article_id))}>
                        Edit
                      </button>
                      <button type="button" class="danger" aria-label={`Remove ${article.title}`} onClick={() => setRemoving(article.article_id)}>
                        Remove
                      </button>
                    </div>
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function RemoveArticle({ article, onDone, onKeep }: { article: Summary; onDone: () => void; onKeep: () => void }): JSX.Element {
  const remove = useAction(async () => {
    await app.api.delete("/articles/{article_id}", { path: { article_id: article.article_id } });
    onDone();
  });
  return (
    <div class="warning-box" role="group" aria-label={`Remove ${article.title}?`}>
      <p class="warning">Remove “{article.title}”? It leaves your profile and the reputation points it earned go back.</p>
      <div class="row">
        <ActionButton action={remove} class="danger">
          Yes, remove it
        </ActionButton>
        <button type="button" onClick={onKeep}>
          Keep it
        </button>
      </div>
    </div>
  );
}

function EditArticle({
  articleId,
  categories,
  onDone,
  onCancel,
}: {
  articleId: string;
  categories: Categories;
  onDone: (saved: Article) => void;
  onCancel: () => void;
}): JSX.Element {
  const article = useLoad(() => app.api.get("/articles/{article_id}", { path: { article_id: articleId } }), [articleId]);
  return (
    <Await loaded={article} what="the article">
      {(found) => (
        <>
          <h3>Edit “{found.title}”</h3>
          <ArticleForm article={found} categories={categories} onDone={onDone} />
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </>
      )}
    </Await>
  );
}

function ArticleForm({
  article,
  categories,
  onDone,
}: {
  article: Article | null;
  categories: Categories;
  onDone: (saved: Article) => void;
}): JSX.Element {
  const [draft, setDraft] = useState(() => draftOf(article));
  const key = useRef(idempotencyKey());
  const set = (name: keyof Draft) => (value: string) => setDraft((previous) => ({ ...previous, [name]: value }));
  const save = useAction(async () => {
    const category = (draft.category || null) as NonNullable<Schemas["ArticleInput"]["category"]> | null;
    const fields = { title: draft.title.trim(), body: draft.body.trim(), tags: tagsOf(draft.tags) };
    const saved = article
      ? await app.api.patch("/articles/{article_id}", {
          path: { article_id: article.article_id },
          body: { ...fields, ...(draft.category ? { category } : {}) },
        })
      : await app.api.post("/articles", { body: { ...fields, category }, key: key.current });
    onDone(saved);
  });
  const at = (path: string) => refusedAt(save, path);
  const label = article ? `Edit ${article.title}` : "New article";
  return (
    <Form action={save} submit={article ? "Save the article" : "Publish the article"} label={label}>
      <Field label="Title" value={draft.title} onInput={set("title")} maxLength={200} required error={at("title")}
        hint="5 to 200 characters; no contact details." />
      <Field label="Article" as="textarea" rows={12} value={draft.body} onInput={set("body")} maxLength={50_000} required
        error={at("body")} hint="Plain text, at least 50 characters; a blank line starts a new paragraph." />
      <Field label="Category" as="select" value={draft.category} onInput={set("category")} error={at("category")}>
        {!article?.category && <option value="">No category</option>}
        {categories.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </Field>
      <Field label="Tags" value={draft.tags} onInput={set("tags")} error={at("tags")}
        hint="Up to five, separated by commas, such as pricing, negotiation." />
    </Form>
  );
}
