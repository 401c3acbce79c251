"""Basic messages (RFC 0095): what a connection wrote and what the learner answered."""
