// Parts the expert's pages share: a refused field's message found by its path (a list's items
// and a day's ranges answer "tags.2" or "weekly_hours.monday.0"), a refusal made in the browser
// before anything is sent, and a group of checkboxes with its own message.
import type { ComponentChildren, JSX } from "preact";
import { useId } from "preact/hooks";
import { ApiError } from "../../api";

/** The API's message for `path` or anything under it ("tags" matches "tags.2"). */
export function refusedAt(action: { error: ApiError | null }, path: string): string | undefined {
  const fields = action.error?.fields ?? [];
  return fields.find((f) => f.field === path || f.field.startsWith(`${path}.`))?.message;
}

/** A refusal of one field, made before sending (e.g. an amount that is not one). */
export function refuse(field: string, message: string): ApiError {
  return new ApiError(message, "invalid_input", 400, [{ field, code: "invalid_input", message }]);
}

type Option = { value: string; label: string };

/** Checkboxes for a list of choices: a fieldset whose legend names it, its hint and the API's message. */
export function Choices({
  legend,
  options,
  chosen,
  onChange,
  hint,
  error,
  max,
}: {
  legend: string;
  options: Option[];
  chosen: string[];
  onChange: (next: string[]) => void;
  hint?: string;
  error?: string | undefined;
  max?: number;
}): JSX.Element {
  const id = useId();
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  const full = max !== undefined && chosen.length >= max;
  return (
    <fieldset class={error ? "choices invalid" : "choices"} aria-describedby={described}>
      <legend>{legend}</legend>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <ul class="choice-list">
        {options.map((option) => {
          const on = chosen.includes(option.value);
          return (
            <li key={option.value}>
              <label class="choice">
                <input
                  type="checkbox"
                  checked={on}
                  disabled={!on && full}
                  onChange={() => onChange(on ? chosen.filter((v) => v !== option.value) : [...chosen, option.value])}
                />
                {option.label}
              </label>
            </li>
          );
        })}
      </ul>
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** A line that is announced when it changes (saved, copied). */
export function Status({ children }: { children: ComponentChildren }): JSX.Element {
  return (
    <p class="notice" role="status">
      {children}
    </p>
  );
}

/** Minor units as the major-unit text a person types ("2.50"); "" for none. */
export function majorText(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return "";
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return (minor / 10 ** digits).toFixed(digits);
}
