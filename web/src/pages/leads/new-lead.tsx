// /leads/new: a buyer posts a lead: what they need, the skills it takes, a budget (typed in major
// units, sent as integer minor units), the day they wish it done by, and files.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { ApiError, Schemas } from "../../api";
import { app } from "../../app/context";
import { navigate } from "../../app/router";
import { money, toMinor, viewerZone } from "../../format";
import { useAction } from "../../ui/async";
import { Field, Form } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { UploadField } from "../../ui/upload";
import { skillName, useCatalogue, type Catalogue } from "./common";

const LEAD_FILES =
  "application/pdf,image/png,image/jpeg,text/plain,application/zip," +
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document," +
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

type LeadInput = Schemas["LeadInput"];

/** The first refusal of a field or of its items ("skills", "skills.0"). */
export function refusal(error: ApiError | null, field: string): string | undefined {
  return error?.fields.find((f) => f.field === field || f.field.startsWith(`${field}.`))?.message;
}

/** Today as YYYY-MM-DD in the viewer's zone. */
function today(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: viewerZone() }).format(new Date());
}

export function NewLeadPage(): JSX.Element {
  const catalogue = useCatalogue();
  return (
    <Page title="Post a lead">
      <p>Describe the work; sellers whose skills fit will find it and bid.</p>
      <Await loaded={catalogue} what="the skills">
        {(data) => <LeadForm catalogue={data} />}
      </Await>
    </Page>
  );
}

function LeadForm({ catalogue }: { catalogue: Catalogue }): JSX.Element {
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [skills, setSkills] = useState<string[]>([]);
  const [filter, setFilter] = useState("");
  const [budget, setBudget] = useState("");
  const [currency, setCurrency] = useState(catalogue.currencies[0] ?? "USD");
  const [deadline, setDeadline] = useState("");
  const [files, setFiles] = useState<{ key: string; file_name: string }[]>([]);
  const [budgetProblem, setBudgetProblem] = useState<string | undefined>();
  const action = useAction(async () => {
    const minor = toMinor(budget, currency);
    setBudgetProblem(minor === null ? `Write the budget as an amount in ${currency}, e.g. 250 or 250.50.` : undefined);
    if (minor === null) return;
    const lead = await app.api.post("/leads", {
      body: {
        title,
        description,
        skills: skills as LeadInput["skills"],
        budget: minor,
        currency: currency as LeadInput["currency"],
        wished_deadline: deadline || null,
        attachments: files,
      },
    });
    navigate(`/leads/${lead.lead_id}`);
  });
  const wanted = filter.trim().toLowerCase();
  const shown = catalogue.skills.filter((skill) => !wanted || skill.name.toLowerCase().includes(wanted));
  const toggle = (id: string, on: boolean) => setSkills((had) => (on ? [...had, id] : had.filter((s) => s !== id)));
  const minor = toMinor(budget, currency);
  return (
    <Form action={action} submit="Post the lead" label="Your lead" class="lead-form">
      <Field label="Title" value={title} onInput={setTitle} maxLength={120} error={action.fieldError("title")} required />
      <Field
        label="Description"
        as="textarea"
        rows={6}
        value={description}
        onInput={setDescription}
        maxLength={5000}
        error={action.fieldError("description")}
      />
      <fieldset class="skills-picker" aria-describedby={refusal(action.error, "skills") ? "skills-error" : undefined}>
        <legend>Skills (1 to 10)</legend>
        {skills.length > 0 ? (
          <p class="chosen" role="status">
            Chosen: {skills.map((id) => skillName(catalogue.skills, id)).join(", ")}
          </p>
        ) : (
          <p class="hint" role="status">
            None chosen yet.
          </p>
        )}
        <Field label="Find a skill" type="search" value={filter} onInput={setFilter} />
        <ul class="skill-choices">
          {shown.map((skill) => (
            <li key={skill.id}>
              <label class="choice">
                <input
                  type="checkbox"
                  checked={skills.includes(skill.id)}
                  onChange={(event) => toggle(skill.id, (event.currentTarget as HTMLInputElement).checked)}
                />
                {skill.name}
              </label>
            </li>
          ))}
          {shown.length === 0 && <li class="muted">No skill has “{filter}” in its name.</li>}
        </ul>
        {refusal(action.error, "skills") && (
          <p class="field-error" id="skills-error">
            {refusal(action.error, "skills")}
          </p>
        )}
      </fieldset>
      <div class="budget-row">
        <Field
          label="Budget"
          value={budget}
          onInput={setBudget}
          inputMode="decimal"
          hint={minor !== null && minor > 0 ? `That is ${money(minor, currency)}.` : "An amount, e.g. 250 or 250.50."}
          error={budgetProblem ?? action.fieldError("budget")}
        />
        <Field label="Currency" as="select" value={currency} onInput={setCurrency} error={action.fieldError("currency")}>
          {catalogue.currencies.map((code) => (
            <option key={code} value={code}>
              {code}
            </option>
          ))}
        </Field>
      </div>
      <Field
        label="Wished deadline"
        type="date"
        value={deadline}
        onInput={setDeadline}
        min={today()}
        hint={`Optional: the day you wish it done by (a calendar day; today is ${today()} in ${viewerZone()}).`}
        error={action.fieldError("wished_deadline")}
      />
      <UploadField
        label="Attach a file"
        purpose="lead_attachment"
        accept={LEAD_FILES}
        hint="PDF, images, Word, Excel, text or zip, up to 20 MB each; only the seller you hire can open them."
        onUploaded={(key, file) => setFiles((had) => [...had, { key, file_name: file.name }])}
      />
      {files.length > 0 && (
        <section aria-labelledby="attached-title">
          <h2 id="attached-title">Attached files</h2>
          <ul class="files">
            {files.map((file) => (
              <li key={file.key}>
                {file.file_name}{" "}
                <button type="button" onClick={() => setFiles((had) => had.filter((f) => f.key !== file.key))}>
                  Remove {file.file_name}
                </button>
              </li>
            ))}
          </ul>
          {refusal(action.error, "attachments") && <p class="field-error">{refusal(action.error, "attachments")}</p>}
        </section>
      )}
    </Form>
  );
}
