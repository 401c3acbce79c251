"""ACA-Py plugin: accept DIF proof requests whose `options.challenge` is not a UUID.

ACA-Py 1.7 validates a DIF request's challenge as a UUID4 (`DIFOptionsSchema` in
`protocols/present_proof/dif/pres_exch.py`) and rejects anything else on arrival with
"is not UUID4". Other agents, Credo-ts among them, send a long decimal nonce, which is a
perfectly good challenge. This plugin relaxes exactly that field, for DIF requests and
proposals, to any printable nonce of 8 to 512 URL-safe characters; every other UUID rule
stays as ACA-Py has it.
"""

from .relax import CHALLENGE_PATTERN, relax_dif_challenge, setup

__all__ = ["CHALLENGE_PATTERN", "relax_dif_challenge", "setup"]
