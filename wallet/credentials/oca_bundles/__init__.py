"""OCA bundles shipped with the wallet (JSON data; see wallet/credentials/oca.py)."""
