// /expert/documents: the expert uploads a file (straight to S3, purpose "document": PDF, office and
// OpenDocument files, text or RTF, up to 25 MB), gives it a title and a description and publishes it
// on their profile; lists their documents with each one's votes and removes one after confirming.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { everyPage, type Answer } from "../../api";
import { app, useAccount } from "../../app/context";
import { Link } from "../../app/router";
import { day } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { ActionButton, Field, Form } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { UploadField } from "../../ui/upload";
import { refuse, refusedAt, Status } from "./parts";

type Document = Answer<"/experts/{expert_id}/documents">["items"][number];

/** What chalicelib/uploads/rules.py takes for purpose "document" (the file picker offers these). */
const ACCEPT = [
  "application/pdf", ".pdf", "application/msword", ".doc",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx",
  "application/vnd.ms-excel", ".xls", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx",
  "application/vnd.ms-powerpoint", ".ppt", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  ".pptx", "application/vnd.oasis.opendocument.text", ".odt", "application/vnd.oasis.opendocument.spreadsheet", ".ods",
  "application/vnd.oasis.opendocument.presentation", ".odp", "text/plain", ".txt", "application/rtf", ".rtf",
].join(",");

const MAX_PAGES = 20;

function allDocuments(expertId: string): Promise<Document[]> {
  return everyPage(
    (cursor) =>
      app.api.get("/experts/{expert_id}/documents", {
        path: { expert_id: expertId },
        query: cursor ? { limit: 50, cursor } : { limit: 50 },
      }),
    MAX_PAGES,
  );
}

export function DocumentsPage(): JSX.Element {
  const who = useAccount();
  const expertId = who?.account_id ?? "";
  const loaded = useLoad(() => allDocuments(expertId), [expertId]);
  const [told, setTold] = useState<string | null>(null);
  const [round, setRound] = useState(0); // a fresh form after each publication
  return (
    <Page title="Your documents">
      <p class="muted">Documents show on your public profile with a download link; readers vote on them.</p>
      {told && <Status>{told}</Status>}
      <section class="card expert-form" aria-labelledby="new-document">
        <h2 id="new-document">Publish a document</h2>
        <DocumentForm
          key={round}
          onDone={(saved) => {
            setRound((n) => n + 1);
            setTold(`“${saved.title}” published.`);
            loaded.reload();
          }}
        />
      </section>
      <h2 id="my-documents">Published</h2>
      <Await loaded={loaded} what="your documents">
        {(documents) =>
          documents.length === 0 ? (
            <p class="muted">You have published no documents yet.</p>
          ) : (
            <ul class="services" aria-labelledby="my-documents">
              {documents.map((document) => (
                <DocumentItem
                  key={document.document_id}
                  document={document}
                  onRemoved={() => {
                    setTold(`“${document.title}” removed.`);
                    loaded.reload();
                  }}
                />
              ))}
            </ul>
          )
        }
      </Await>
      <p>
        <Link href="/expert">Back to your expert dashboard</Link>
      </p>
    </Page>
  );
}

function DocumentItem({ document, onRemoved }: { document: Document; onRemoved: () => void }): JSX.Element {
  const [confirming, setConfirming] = useState(false);
  const remove = useAction(async () => {
    await app.api.delete("/documents/{document_id}", { path: { document_id: document.document_id } });
    onRemoved();
  });
  return (
    <li class="card">
      <h3>{document.title}</h3>
      {document.description && <p class="plain-text">{document.description}</p>}
      <p>
        {document.download_url ? (
          <a href={document.download_url} download={document.file_name}>
            Download {document.file_name}
          </a>
        ) : (
          document.file_name
        )}
      </p>
      <p class="muted">
        {day(document.created_at)} · {document.upvotes} up, {document.downvotes} down
      </p>
      {confirming ? (
        <div class="warning-box" role="group" aria-label={`Remove ${document.title}?`}>
          <p class="warning">Remove “{document.title}”? It leaves your profile and the reputation points it earned go back.</p>
          <div class="row">
            <ActionButton action={remove} class="danger">
              Yes, remove it
            </ActionButton>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </div>
        </div>
      ) : (
        <button type="button" class="danger" aria-label={`Remove ${document.title}`} onClick={() => setConfirming(true)}>
          Remove
        </button>
      )}
    </li>
  );
}

function DocumentForm({ onDone }: { onDone: (saved: Answer<"/documents", "post">) => void }): JSX.Element {
  const [file, setFile] = useState<{ key: string; name: string } | null>(null);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const publish = useAction(async () => {
    if (!file) throw refuse("upload_key", "Choose the file to publish first.");
    const saved = await app.api.post("/documents", {
      body: {
        title: title.trim(),
        upload_key: file.key,
        file_name: file.name,
        ...(description.trim() ? { description: description.trim() } : {}),
      },
    });
    onDone(saved);
  });
  const at = (path: string) => refusedAt(publish, path);
  return (
    <Form action={publish} submit="Publish the document" label="Publish a document">
      <UploadField
        label="File"
        purpose="document"
        accept={ACCEPT}
        hint="PDF, Word, Excel, PowerPoint, OpenDocument, plain text or RTF, up to 25 MB."
        onUploaded={(key, picked) => {
          setFile({ key, name: picked.name });
          if (!title.trim()) setTitle(picked.name.replace(/\.[^.]+$/, "").replace(/[-_]+/g, " "));
        }}
      />
      {(at("upload_key") || at("file_name")) && <p class="field-error">{at("upload_key") ?? at("file_name")}</p>}
      <Field label="Title" value={title} onInput={setTitle} maxLength={200} required error={at("title")}
        hint="5 to 200 characters; no contact details." />
      <Field label="Description (optional)" as="textarea" value={description} onInput={setDescription} maxLength={2000}
        error={at("description")} hint="What it is and who it helps; no contact details." />
    </Form>
  );
}
