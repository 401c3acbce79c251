"""Proof requests: prompts for the learner, their answers, and the exchange's progress.

No re-exports: the holder's ACA-Py imports a few of these modules (the prompt-inputs
plugin), and it must not pull in the whole flow to do so.
"""
