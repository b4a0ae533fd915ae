// A page: its title in the tab and as the one <h1>, focused after navigation so a screen
// reader announces where the person is; its loading and failed states.
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef } from "preact/hooks";
import type { Loaded } from "./async";
import { ErrorNote } from "./forms";

export function Page({ title, children }: { title: string; children: ComponentChildren }): JSX.Element {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Parley`;
    heading.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <section class="page" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children}
    </section>
  );
}

/** Renders `children(data)` once loaded; a loading line before, the API's message on failure. */
export function Await<T>({
  loaded,
  children,
  what = "",
}: {
  loaded: Loaded<T>;
  children: (data: T) => ComponentChildren;
  what?: string;
}): JSX.Element {
  if (loaded.state === "loading")
    return (
      <p class="loading" role="status">
        Loading{what ? ` ${what}` : ""}…
      </p>
    );
  if (loaded.state === "failed")
    return (
      <div>
        <ErrorNote error={loaded.error} />
        <button type="button" onClick={loaded.reload}>
          Try again
        </button>
      </div>
    );
  return <>{children(loaded.data)}</>;
}
