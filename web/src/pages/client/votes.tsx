// Votes on articles and documents: the counts for everyone; "Vote up" and "Vote down" (pressed
// when they are my vote, pressed again to take it back) for signed-in people who are not its
// author. My standing votes come from POST /me/votes/lookup, asked once for a whole list.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { app, useAccount } from "../../app/context";
import { Link } from "../../app/router";
import { useAction, useLoad } from "../../ui/async";
import { ErrorNote } from "../../ui/forms";

export type VoteKind = "article" | "document";
type Counts = { upvotes: number; downvotes: number };

/** My votes on `targets` ("article#<id>"), by target; none asked for when signed out. */
export function useMyVotes(targets: string[]): Map<string, number> {
  const key = targets.join(" ");
  const found = useLoad(async () => {
    if (!app.auth.signedIn || targets.length === 0) return new Map<string, number>();
    const answer = await app.api.post("/me/votes/lookup", { body: { targets: targets.slice(0, 100) } });
    return new Map(answer.votes.map((vote) => [vote.target, vote.value]));
  }, [key]);
  // Without my votes the buttons still work (each answer says my vote); only "pressed" is unknown.
  return found.state === "ready" ? found.data : new Map();
}

export function votesText({ upvotes, downvotes }: Counts): string {
  return `${upvotes} up, ${downvotes} down`;
}

export function Votes({
  kind,
  id,
  title,
  authorId,
  counts,
  mine,
  signInTo,
}: {
  kind: VoteKind;
  id: string;
  title: string;
  authorId: string;
  counts: Counts;
  /** My standing vote as looked up (undefined while unknown). */
  mine: number | undefined;
  /** Where to come back after signing in. */
  signInTo: string;
}): JSX.Element {
  const who = useAccount();
  const [shown, setShown] = useState<{ counts: Counts; value: number } | null>(null);
  const value = shown?.value ?? mine ?? 0;
  const now = shown?.counts ?? counts;
  const vote = useAction(async (wanted: 1 | -1 | 0) => {
    const answer =
      kind === "article"
        ? await app.api.put("/articles/{article_id}/vote", { path: { article_id: id }, body: { value: wanted } })
        : await app.api.put("/documents/{document_id}/vote", { path: { document_id: id }, body: { value: wanted } });
    setShown({ counts: { upvotes: answer.upvotes, downvotes: answer.downvotes }, value: answer.value });
  });
  const own = who !== null && who.account_id === authorId;
  const canVote = app.auth.signedIn && who !== null && !own;
  return (
    <div class="votes">
      <p class="vote-counts" role="status" aria-label={`Votes on ${title}`}>
        {votesText(now)}
        {value === 1 ? " (you voted up)" : value === -1 ? " (you voted down)" : ""}
      </p>
      {canVote && (
        <div class="row">
          <button
            type="button"
            aria-pressed={value === 1 ? "true" : "false"}
            aria-label={`Vote up: ${title}`}
            disabled={vote.busy}
            onClick={() => void vote.run(value === 1 ? 0 : 1)}
          >
            Vote up
          </button>
          <button
            type="button"
            aria-pressed={value === -1 ? "true" : "false"}
            aria-label={`Vote down: ${title}`}
            disabled={vote.busy}
            onClick={() => void vote.run(value === -1 ? 0 : -1)}
          >
            Vote down
          </button>
        </div>
      )}
      {!app.auth.signedIn && (
        <p class="muted">
          <Link href={`/sign-in?next=${encodeURIComponent(signInTo)}`}>Sign in to vote</Link>
        </p>
      )}
      <ErrorNote error={vote.error} />
    </div>
  );
}
