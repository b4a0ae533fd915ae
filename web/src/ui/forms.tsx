// Form parts every page shares: a labelled field with its hint, character counter and the
// API's message for it; the form's own error; a submit button that shows it is busy.
import type { ComponentChildren, InputHTMLAttributes, JSX } from "preact";
import { useId } from "preact/hooks";
import type { ApiError } from "../api";
import type { Action } from "./async";

type Control = "input" | "textarea" | "select";

type FieldProps = {
  label: string;
  value: string;
  onInput: (value: string) => void;
  /** The API field this control sets: its refusal is shown here. */
  error?: string | undefined;
  hint?: string;
  as?: Control;
  type?: "text" | "email" | "password" | "number" | "date" | "time" | "datetime-local" | "url" | "search" | "tel";
  /** A counter "n of max characters" is shown when set. */
  maxLength?: number;
  required?: boolean;
  autoComplete?: string;
  name?: string;
  min?: string | number;
  max?: string | number;
  step?: string | number;
  inputMode?: InputHTMLAttributes<HTMLInputElement>["inputMode"];
  pattern?: string;
  placeholder?: string;
  rows?: number;
  children?: ComponentChildren; // <option>s for a select
};

export function Field(props: FieldProps): JSX.Element {
  const id = useId();
  const described = [props.hint && `${id}-hint`, props.maxLength && `${id}-count`, props.error && `${id}-error`]
    .filter(Boolean)
    .join(" ");
  const common = {
    id,
    name: props.name,
    value: props.value,
    required: props.required,
    "aria-invalid": props.error ? ("true" as const) : undefined,
    "aria-describedby": described || undefined,
    onInput: (event: Event) => props.onInput((event.currentTarget as HTMLInputElement).value),
  };
  const control =
    props.as === "textarea" ? (
      <textarea {...common} maxLength={props.maxLength} rows={props.rows ?? 4} placeholder={props.placeholder} />
    ) : props.as === "select" ? (
      <select {...common} onChange={common.onInput}>
        {props.children}
      </select>
    ) : (
      <input
        {...common}
        // Preact types <input> per type; every type above takes the same attributes here.
        type={(props.type ?? "text") as "text"}
        maxLength={props.maxLength}
        autoComplete={props.autoComplete}
        min={props.min}
        max={props.max}
        step={props.step}
        inputMode={props.inputMode}
        pattern={props.pattern}
        placeholder={props.placeholder}
      />
    );
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {control}
      {props.maxLength !== undefined && (
        <p class="counter" id={`${id}-count`} aria-live="polite">
          {props.value.length} of {props.maxLength} characters
        </p>
      )}
      {props.error && (
        <p class="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** The API's message for a failed action, announced to screen readers. */
export function ErrorNote({ error }: { error: ApiError | null }): JSX.Element | null {
  if (!error) return null;
  return (
    <p class="error" role="alert" data-code={error.code}>
      {error.message}
      {error.retryAfter ? ` Try again in ${error.retryAfter} s.` : ""}
    </p>
  );
}

type FormProps = {
  action: Action<[]>;
  submit: string;
  children: ComponentChildren;
  label?: string;
  class?: string;
};

/** A form that runs `action` on submit, shows its error under the fields and disables itself while busy. */
export function Form({ action, submit, children, label, class: className }: FormProps): JSX.Element {
  return (
    <form
      class={className}
      aria-label={label}
      aria-busy={action.busy ? "true" : undefined}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void action.run();
      }}
    >
      {children}
      <ErrorNote error={action.error} />
      <Submit busy={action.busy}>{submit}</Submit>
    </form>
  );
}

export function Submit({ busy, children }: { busy: boolean; children: ComponentChildren }): JSX.Element {
  return (
    <button type="submit" disabled={busy} aria-disabled={busy ? "true" : undefined}>
      {busy ? "Working…" : children}
    </button>
  );
}

/** A button for one action (not a form): busy while it runs; its error shown right after it. */
export function ActionButton({
  action,
  children,
  class: className,
  label,
}: {
  action: Action<[]>;
  children: ComponentChildren;
  class?: string;
  label?: string;
}): JSX.Element {
  return (
    <>
      <button type="button" class={className} aria-label={label} disabled={action.busy} onClick={() => void action.run()}>
        {action.busy ? "Working…" : children}
      </button>
      <ErrorNote error={action.error} />
    </>
  );
}
