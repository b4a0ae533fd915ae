// /sessions/:id/review: the client rates a paid call, once: stars (1 to 5) and a comment.
import type { JSX } from "preact";
import { useRef, useState } from "preact/hooks";
import { idempotencyKey } from "../../api";
import { app } from "../../app/context";
import { Link } from "../../app/router";
import { money, when } from "../../format";
import { useAction, useLoad } from "../../ui/async";
import { Field, Form } from "../../ui/forms";
import { Await, Page } from "../../ui/page";
import { ExpertName, Stars } from "./common";

const WORDS = ["", "Poor", "Below expectations", "Good", "Very good", "Excellent"];

export function ReviewPage({ sessionId }: { sessionId: string }): JSX.Element {
  const call = useLoad(() => app.api.get("/sessions/{session_id}", { path: { session_id: sessionId } }), [sessionId]);
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState("");
  const [done, setDone] = useState<{ stars: number; comment: string | null } | null>(null);
  const key = useRef(idempotencyKey());
  const action = useAction(async () => {
    if (stars < 1) throw new Error("Choose from 1 to 5 stars.");
    const review = await app.api.post("/sessions/{session_id}/review", {
      path: { session_id: sessionId },
      body: { stars, ...(comment.trim() ? { comment: comment.trim() } : {}) },
      key: key.current,
    });
    setDone({ stars: review.stars, comment: review.comment });
  });
  return (
    <Page title="Rate your call">
      <Await loaded={call} what="the call">
        {(c) => (
          <>
            <p>
              Your call with <ExpertName expertId={c.expert_id} />
              {c.ended_at ? `, ended ${when(c.ended_at)}` : ""}
              {c.bill && !c.bill.paid_by_booking ? `, charged ${money(c.bill.amount, c.bill.currency)}` : ""}.
            </p>
            {done ? (
              <div role="status" class="notice">
                <p>
                  Thank you: you gave <ExpertName expertId={c.expert_id} /> <Stars stars={done.stars} /> ({done.stars} of 5).
                </p>
                {done.comment && <p>“{done.comment}”</p>}
              </div>
            ) : (
              <Form action={action} submit="Send the review" label="Your review">
                <fieldset aria-describedby={action.fieldError("stars") ? "stars-error" : undefined}>
                  <legend>Stars</legend>
                  {[1, 2, 3, 4, 5].map((n) => (
                    <label key={n} class="choice">
                      <input type="radio" name="stars" value={n} checked={stars === n} onChange={() => setStars(n)} />
                      {n} {n === 1 ? "star" : "stars"}: {WORDS[n]}
                    </label>
                  ))}
                  {action.fieldError("stars") && (
                    <p class="field-error" id="stars-error">
                      {action.fieldError("stars")}
                    </p>
                  )}
                </fieldset>
                <Field label="Comment (optional)" as="textarea" value={comment} onInput={setComment} maxLength={1000}
                  hint="No contact details." error={action.fieldError("comment")} />
              </Form>
            )}
            <p>
              <Link href="/bookings">My bookings</Link>
            </p>
          </>
        )}
      </Await>
    </Page>
  );
}
