"""Credential offers, holder side: show each offer, accept or decline it, and never hang.

ACA-Py's exchange records are the truth about the protocol; the controller store keeps only
what ACA-Py does not know (the learner's decision, a deadline that passed).
"""
