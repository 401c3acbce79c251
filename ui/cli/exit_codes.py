"""Exit codes of `learner-wallet`, so scripts can tell failures apart."""

OK = 0
FAILED = 1  # ACA-Py or the controller failed; the message says why
USAGE = 2  # wrong command line (argparse)
NO_WALLET = 3  # no wallet to start, or one already there for `init`
WRONG_KEY = 4  # wrong passphrase, or the key is missing from the keyring
PORT_IN_USE = 5  # a configured port is taken
BAD_SETTINGS = 6  # config.toml or LEARNER_WALLET_* has an invalid value
NOT_RUNNING = 7  # `stop` or `status` found no running wallet
