"""Connections: reading invitations (RFC 0434 out-of-band), accepting them through ACA-Py's
DID Exchange, listing connections, and the learner's own invitation."""
