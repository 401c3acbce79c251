"""Credentials arriving as files (exported from another wallet, downloaded from a badge
platform): read, verified offline by the wallet's own ACA-Py, then stored beside the others.

`files` reads what a file holds, `checks` refuses what cannot be verified offline before
ACA-Py sees it, `verification` asks ACA-Py and names why a proof failed, `flow` puts it
together (preview, duplicate check, store, index, history).
"""
