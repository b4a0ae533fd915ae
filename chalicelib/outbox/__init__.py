"""Side effects that follow a state change (emails, thread entries), never lost and never doubled.

The rule: an effect is not sent by the request that makes the change. It is *derived from the change*:
the change's DynamoDB stream record (old and new image of the item, so nothing extra is written and the
effect cannot exist without its change, nor the change without its effect) reaches a queue
(``parley-<stage>-deliveries``; an EventBridge Pipe in AWS, ``infra/local/jobs.py`` locally), whose
consumer works out the effects (``effects``), sends each one not yet sent under its idempotency key and
records the key (``delivery``). A failure leaves the message on the queue: SQS retries it after its
visibility timeout, and after five receives moves it to the dead-letter queue, whose alarm calls an
operator; effects sent by an earlier attempt are skipped by their key.

What derives what: ``chalicelib/bookings/announce.py`` (an appointment's mails and thread entries) and
``chalicelib/sessions/receipts.py`` (a settled call's receipts).
"""

PIPED_TABLES = ("appointments", "sessions")  # tables whose stream feeds the deliveries queue
