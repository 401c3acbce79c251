"""Stacks: credentials grouped by issuer, by skill, or into the learner's own collections.

A stack shows its parts and what they add up to; `book.StackBook` is the one entry point.
"""
