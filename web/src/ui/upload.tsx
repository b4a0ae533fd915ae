// Files go straight to S3: POST /uploads gives a presigned form for one file of a purpose
// (its type and size checked by the API first), then the browser posts the file there with
// progress shown. The answer is the file's key, which the page then attaches (a photo, a
// lead's or a message's attachment).
import type { JSX } from "preact";
import { useId, useState } from "preact/hooks";
import { ApiError, type Schemas } from "../api";
import { app } from "../app/context";

export type Purpose = Schemas["UploadRequest"]["purpose"];

/** Uploads `file` for `purpose`; `progress` gets 0..1 as it goes. Resolves to the file's key. */
export async function upload(file: File, purpose: Purpose, progress: (share: number) => void = () => {}): Promise<string> {
  const ticket = await app.api.post("/uploads", {
    body: { purpose, content_type: file.type || "application/octet-stream", size_bytes: file.size },
  });
  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
  form.append("file", file); // S3 wants the file last
  await new Promise<void>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", ticket.url);
    request.upload.onprogress = (event) => event.lengthComputable && progress(event.loaded / event.total);
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        progress(1);
        resolve();
      } else {
        const reason = /<Message>([^<]*)<\/Message>/.exec(request.responseText)?.[1];
        reject(new ApiError(reason ? `The file store refused the file: ${reason}` : "The file store refused the file.", "upload_refused", request.status));
      }
    };
    request.onerror = () => reject(new ApiError("The file could not be sent; check your connection.", "network", 0));
    request.send(form);
  });
  return ticket.key;
}

type UploadFieldProps = {
  label: string;
  purpose: Purpose;
  /** e.g. "image/jpeg,image/png,image/webp": what the file picker offers. */
  accept: string;
  hint?: string;
  /** Called with the key and the file once S3 has it. */
  onUploaded: (key: string, file: File) => void;
};

/** A file input that uploads what is picked at once, with a progress bar and the API's or S3's message. */
export function UploadField({ label, purpose, accept, hint, onUploaded }: UploadFieldProps): JSX.Element {
  const id = useId();
  const [share, setShare] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const pick = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setError(null);
    setDone(null);
    setShare(0);
    try {
      const key = await upload(file, purpose, setShare);
      setDone(file.name);
      onUploaded(key, file);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setShare(null);
      input.value = "";
    }
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <input
        id={id}
        type="file"
        accept={accept}
        aria-describedby={[hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined}
        aria-invalid={error ? "true" : undefined}
        disabled={share !== null}
        onChange={(event) => void pick(event)}
      />
      {share !== null && (
        <progress max={100} value={Math.round(share * 100)} aria-label={`Uploading: ${Math.round(share * 100)}%`}>
          {Math.round(share * 100)}%
        </progress>
      )}
      {done && (
        <p class="notice" role="status">
          Uploaded {done}.
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
