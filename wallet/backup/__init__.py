"""Encrypted backup and restore of the whole wallet (issue #16, DESIGN §11).

header.py   the plain, authenticated header (format version, Argon2id parameters, salt)
crypto.py   Argon2id and XChaCha20-Poly1305 over chunks
phrase.py   the 12-word recovery phrase, or a passphrase
manifest.py versions, origin, and the SHA-256 of every member
archive.py  one backup file: write it, verify it, extract it
snapshot.py make a backup of a data dir (SQLite `VACUUM INTO`, Askar re-key; running or stopped)
restore.py  restore into a new data dir under a new wallet key
saved_key.py the wallet's backup key, so only the first backup shows a phrase
files.py    dated file names, and which backups in a folder are this wallet's own
first_secret.py the phrase shown once in the browser (or a passphrase), checked, then kept
last_backup.py the last backup and the last failure, kept across restarts
auto.py     backups of the running wallet: automatic after changes, now, or a download
worker.py   one backup of the running wallet, made in a process of its own
"""
