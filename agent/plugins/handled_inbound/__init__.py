"""ACA-Py plugin: nothing a peer sent is lost when the learner's agent dies mid-way.

Stock ACA-Py answers an inbound DIDComm HTTP POST with 200 before it handles the message,
so a `kill -9` in between loses the message on both sides: the sender believes it was
delivered. Two parts fix that:

- `transport.HandledHttpTransport`, the inbound HTTP transport given to the learner's agent
  by module path (`--inbound-transport agent.plugins.handled_inbound.transport <host>
  <port>`), answers only after ACA-Py has handled the message, 5xx if handling failed or the
  agent is stopping, so the sender's own retries deliver it again. ACA-Py's handlers are not
  idempotent (a second `issue-credential` stores a second copy), so messages already
  handled are recognised from ACA-Py's own records and acknowledged without handling them
  twice (`duplicates.py`).
- `POST /learner-wallet/issue-credential/records/{cred_ex_id}/finish-store` (`routes.py`,
  loaded with `--plugin agent.plugins.handled_inbound`) finishes a store that a crash cut
  off after the credential arrived (`credential-received`), exactly once: a copy the cut-off
  store already wrote is found and kept rather than stored twice (`store_resume.py`).

Both take the same per-thread lock (`thread_locks.py`), so a resume never runs while the
agent is handling a message of the same exchange.
"""
