// /expert/links: the expert's session links. The paid link is permanent (a call through it is
// billed at the expert's rate); each free link makes one call free and is spent by it.
// A link opens the page to call the expert (/call?expert=<id>&link=<link id>).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { Answer } from "../../api";
import { app } from "../../app/context";
import { Link } from "../../app/router";
import { when } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { ActionButton } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { Status } from "./parts";

type Links = Answer<"/experts/me/session-links">;
type SessionLink = Links["paid_link"];

export function sessionLinkUrl(link: SessionLink): string {
  return `${location.origin}/call?${new URLSearchParams({ expert: link.expert_id, link: link.link_id })}`;
}

export function LinksPage(): JSX.Element {
  const loaded = useLoad(() => app.api.get("/experts/me/session-links"), []);
  return (
    <Page title="Your session links">
      <Await loaded={loaded} what="your links">
        {(links) => <SessionLinks first={links} />}
      </Await>
      <p>
        <Link href="/expert">Back to your expert dashboard</Link>
      </p>
    </Page>
  );
}

function SessionLinks({ first }: { first: Links }): JSX.Element {
  const [links, setLinks] = useState(first);
  const [made, setMade] = useState<string | null>(null);
  const create = useAction(async () => {
    const link = await app.api.post("/experts/me/session-links");
    setLinks((previous) => ({ ...previous, free_links: [link, ...previous.free_links] }));
    setMade("A new free link is at the top of the list.");
  });
  return (
    <>
      <section aria-labelledby="paid-link" class="card links">
        <h2 id="paid-link">Paid-session link</h2>
        <p class="muted">Permanent: a call through it is billed at your rate per minute.</p>
        <CopyableLink url={sessionLinkUrl(links.paid_link)} name="paid-session link" />
      </section>
      <section aria-labelledby="free-links" class="links">
        <h2 id="free-links">Free-session links</h2>
        <p class="muted">Each one makes one call free for whoever uses it first; then it is spent.</p>
        <ActionButton action={create} class="primary">
          Make a free link
        </ActionButton>
        {made && <Status>{made}</Status>}
        {links.free_links.length === 0 ? (
          <p class="muted">No free links yet.</p>
        ) : (
          <ul class="free-links">
            {links.free_links.map((link, index) => (
              <li key={link.link_id} class="card">
                <p>
                  Made {when(link.created_at)}:{" "}
                  <strong>{link.spent ? `spent${link.spent_at ? ` ${when(link.spent_at)}` : ""}` : "not used yet"}</strong>
                </p>
                {!link.spent && (
                  <CopyableLink url={sessionLinkUrl(link)} name={`free link ${links.free_links.length - index}`} />
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function CopyableLink({ url, name }: { url: string; name: string }): JSX.Element {
  const [told, setTold] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setTold("Link copied.");
    } catch {
      setTold("The link could not be copied: select it and copy it yourself.");
    }
  };
  return (
    <div>
      <p>
        <a href={url}>{url}</a>
      </p>
      <button type="button" onClick={() => void copy()} aria-label={`Copy link: ${name}`}>
        Copy link
      </button>
      <p role="status" class="copy-status">
        {told}
      </p>
    </div>
  );
}
