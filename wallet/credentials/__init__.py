"""The learner's stored credentials: one normalized view, an encrypted search index, sync."""
