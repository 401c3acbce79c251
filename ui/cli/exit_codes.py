"""Exit codes of `learner-wallet`, so scripts can tell failures apart: one meaning each."""

OK = 0
FAILED = 1  # ACA-Py or the controller failed; the message says why
USAGE = 2  # wrong command line (argparse)
NO_WALLET = 3  # no wallet in the data dir: `init` one first
WRONG_KEY = 4  # wrong passphrase, or the key is missing from the keyring
PORT_IN_USE = 5  # a configured port is taken
BAD_SETTINGS = 6  # config.toml or LEARNER_WALLET_* has an invalid value
NOT_RUNNING = 7  # `stop`, `status`, `login` or `connect` found no running wallet
DATA_DIR_TAKEN = 8  # `init` found a wallet, or `demo` data that is not a demo's; nothing changed
DEMO_RUNNING = 9  # `demo` found a demo already running in its data dir
BACKUP_DAMAGED = 10  # `restore`: the file is cut short, altered, or not a backup
BACKUP_TOO_NEW = 11  # `restore`: the file was written by a newer Learner Wallet
DISK_FULL = 12  # `backup` or `restore` ran out of disk space; what it wrote is removed
INTERRUPTED = 13  # `backup` or `restore` was stopped (Ctrl-C, SIGTERM); nothing changed
WALLET_RUNNING = 14  # `wipe` or `start` found the wallet running or starting; nothing changed
NOT_CONFIRMED = 15  # `wipe` was not confirmed (the word not typed); nothing deleted

# What `--help` and README.md say about each code, in a few words.
MEANINGS: dict[int, str] = {
    OK: "ok",
    FAILED: "failed",
    USAGE: "usage",
    NO_WALLET: "no wallet",
    WRONG_KEY: "wrong passphrase or missing key",
    PORT_IN_USE: "port in use",
    BAD_SETTINGS: "invalid settings",
    NOT_RUNNING: "not running",
    DATA_DIR_TAKEN: "data dir already holds a wallet or other data (nothing changed)",
    DEMO_RUNNING: "a demo already runs in that data dir",
    BACKUP_DAMAGED: "backup file damaged or not a backup",
    BACKUP_TOO_NEW: "backup from a newer version",
    DISK_FULL: "disk full",
    INTERRUPTED: "interrupted",
    WALLET_RUNNING: "the wallet runs (stop it first)",
    NOT_CONFIRMED: "not confirmed (nothing deleted)",
}
