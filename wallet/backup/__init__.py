"""Encrypted backup and restore of the whole wallet (issue #16, DESIGN §11).

header.py   the plain, authenticated header (format version, Argon2id parameters, salt)
crypto.py   Argon2id and XChaCha20-Poly1305 over chunks
phrase.py   the 12-word recovery phrase, or a passphrase
manifest.py versions, origin, and the SHA-256 of every member
archive.py  one backup file: write it, verify it, extract it
snapshot.py make a backup of a data dir (Askar `copy_to`, running or stopped)
restore.py  restore into a new data dir under a new wallet key
saved_key.py the wallet's backup key, so only the first backup shows a phrase
"""
