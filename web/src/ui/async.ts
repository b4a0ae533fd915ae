// Loading and submitting: every page shows a loading state while it waits and the API's
// own message when it fails (field errors next to their field; see ui/forms.tsx).
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, type FieldError } from "../api";

export type Loaded<T> =
  | { state: "loading"; data: null; error: null; reload: () => void }
  | { state: "ready"; data: T; error: null; reload: () => void }
  | { state: "failed"; data: null; error: ApiError; reload: () => void };

/** Any failure as an ApiError: the API's own, a WebSocket error message ({code, message}), or a thrown Error. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error) return new ApiError(error.message, "client_error", 0);
  if (typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string") {
    const refusal = error as { message: string; code?: unknown };
    return new ApiError(refusal.message, typeof refusal.code === "string" ? refusal.code : "client_error", 0);
  }
  return new ApiError(String(error), "client_error", 0);
}

/** Runs `load` now and whenever `keys` change; stale answers are dropped. */
export function useLoad<T>(load: () => Promise<T>, keys: readonly unknown[]): Loaded<T> {
  const [result, setResult] = useState<{ state: "loading" | "ready" | "failed"; data: T | null; error: ApiError | null }>({
    state: "loading",
    data: null,
    error: null,
  });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    setResult((previous) => ({ ...previous, state: previous.data === null ? "loading" : previous.state }));
    load().then(
      (data) => live && setResult({ state: "ready", data, error: null }),
      (error: unknown) => live && setResult({ state: "failed", data: null, error: asApiError(error) }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...keys, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { ...result, reload } as Loaded<T>;
}

export type Action<A extends unknown[]> = {
  run: (...args: A) => Promise<void>;
  busy: boolean;
  error: ApiError | null;
  /** The message for `field` when the API refused that field. */
  fieldError: (field: string) => string | undefined;
  clear: () => void;
};

/** A user action (a submit, a click): busy while it runs, its ApiError kept to show. */
export function useAction<A extends unknown[]>(act: (...args: A) => Promise<unknown>): Action<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const running = useRef(false);
  const run = useCallback(
    async (...args: A) => {
      if (running.current) return; // a double click submits once
      running.current = true;
      setBusy(true);
      setError(null);
      try {
        await act(...args);
      } catch (caught) {
        setError(asApiError(caught));
      } finally {
        running.current = false;
        setBusy(false);
      }
    },
    [act],
  );
  const fieldError = (field: string) => fieldMessage(error?.fields ?? [], field);
  return { run, busy, error, fieldError, clear: () => setError(null) };
}

/** A refused field's message; `field` matches the API's dotted path or its last part. */
export function fieldMessage(fields: FieldError[], field: string): string | undefined {
  return fields.find((f) => f.field === field || f.field.split(".").pop() === field)?.message;
}
