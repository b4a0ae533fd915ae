"""A load run on the local stack: many paid calls at once through the WebSocket gateway (``scripts/load-calls``).

``__main__`` runs it and checks the outcome; ``calls`` makes the calls over the WebSocket protocol;
``local`` starts and stops the stack, signs people up and calls the REST API; ``tally`` (pure) judges
relayed messages (lost, doubled, stray) and computes percentiles.

Only the public API and the WebSocket protocol are used (docs/websocket-protocol.md, the AsyncAPI
document), never the app's internals, so the run measures what a page or the app would meet. Time on
the stack's clock is never moved: calls last seconds, and every fifth lane's first call lasts a little
over three minutes so that some calls cost something (a call ended within its first three minutes is
free). Figures depend on the machine: on loopback, moto serves DynamoDB one request at a time.
"""
