// The parts the sign-up, welcome and account pages share: a group of radio buttons, the
// account's details (individual or organisation, the names shown) and registering the account.
import type { JSX } from "preact";
import { useId } from "preact/hooks";
import { ApiError, idempotencyKey, type FieldError, type Schemas } from "../../api";
import { app, loadAccount, setAccount, type Account } from "../../app/context";
import type { Action } from "../../ui/async";
import { Field } from "../../ui/forms";
import { accountInput, type Side } from "./signup-state";

type Option<T extends string> = { value: T; label: string; hint?: string };

/** Radio buttons in a fieldset: its legend names the question, each label an answer. */
export function Choices<T extends string>(props: {
  legend: string;
  value: T;
  options: Option<T>[];
  onChange: (value: T) => void;
}): JSX.Element {
  const name = useId();
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {props.options.map((option) => (
        <div key={option.value}>
          <label class="choice">
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={props.value === option.value}
              onChange={() => props.onChange(option.value)}
            />
            {option.label}
          </label>
          {option.hint && <p class="hint choice-hint">{option.hint}</p>}
        </div>
      ))}
    </fieldset>
  );
}

export const SIDES: Option<Side>[] = [
  { value: "client", label: "Client", hint: "I want to find an expert and book their time." },
  { value: "expert", label: "Expert", hint: "I want to offer my time and knowledge to clients." },
];

export function SideChoice({ value, onChange }: { value: Side; onChange: (side: Side) => void }): JSX.Element {
  return <Choices legend="I am a" value={value} options={SIDES} onChange={onChange} />;
}

export type Details = Schemas["AccountInput"];

/** Individual or organisation, the name shown and, for an organisation, its name. */
export function DetailsFields({
  details,
  onChange,
  action,
}: {
  details: Details;
  onChange: (details: Details) => void;
  action: Action<[]>;
}): JSX.Element {
  return (
    <>
      <Choices
        legend="Account type"
        value={details.kind}
        options={[
          { value: "individual", label: "Individual" },
          { value: "organisation", label: "Organisation" },
        ]}
        onChange={(kind) => onChange({ ...details, kind })}
      />
      <Field
        label="Display name"
        hint="The name people see on Parley."
        value={details.display_name}
        onInput={(display_name) => onChange({ ...details, display_name })}
        error={action.fieldError("display_name")}
        maxLength={120}
        autoComplete="name"
        required
      />
      {details.kind === "organisation" && (
        <Field
          label="Organisation name"
          value={details.organisation_name ?? ""}
          onInput={(organisation_name) => onChange({ ...details, organisation_name })}
          error={action.fieldError("organisation_name")}
          maxLength={120}
          autoComplete="organization"
          required
        />
      )}
    </>
  );
}

/** Refuses, before anything is sent, the details the API would refuse (sign-up registers only after the code). */
export function checkDetails(details: Details): void {
  const fields: FieldError[] = [];
  if (!details.display_name.trim()) fields.push({ field: "display_name", code: "required", message: "Enter the name people will see." });
  if (details.kind === "organisation" && !(details.organisation_name ?? "").trim())
    fields.push({ field: "organisation_name", code: "required", message: "An organisation account needs its organisation's name." });
  if (fields.length) throw new ApiError("Some details are missing: see the fields marked above.", "invalid_input", 400, fields);
}

/** POST /accounts/me; an account registered already (a second try) is simply loaded. */
export async function register(details: Details): Promise<Account> {
  try {
    const account = await app.api.post("/accounts/me", { body: accountInput(details), key: idempotencyKey() });
    setAccount(account);
    return account;
  } catch (error) {
    if (error instanceof ApiError && error.code === "account_exists") {
      const account = await loadAccount();
      if (account) return account;
    }
    throw error;
  }
}
