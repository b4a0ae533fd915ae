// Pages loaded when first opened (import()), so the start page stays light: one loader per chunk.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { asApiError } from "./async";
import { ErrorNote } from "./forms";

export type LazyProps<M> = { render: (found: M) => JSX.Element };

/** A component showing `render(module)` once `load()` has loaded the chunk; a loading line before, and a
 * message if it fails (the next page opened tries again). The chunk is loaded once however many pages use it. */
export function lazyChunk<M>(load: () => Promise<M>): (props: LazyProps<M>) => JSX.Element {
  let loading: Promise<M> | null = null;
  const chunk = (): Promise<M> =>
    (loading ??= load().catch((error: unknown) => {
      loading = null;
      throw error;
    }));

  return function Lazy({ render }: LazyProps<M>): JSX.Element {
    const [found, setFound] = useState<M | null>(null);
    const [failed, setFailed] = useState<unknown>(null);
    useEffect(() => {
      let live = true;
      chunk().then(
        (loaded) => live && setFound(() => loaded),
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
  };
}
