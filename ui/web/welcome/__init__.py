"""The welcome at first start: a data dir without a wallet gets a new one or a restored backup.

A small app of its own (same look, same defences as the wallet's UI), served by `start`
until a wallet exists; then the same process runs the wallet on the same port.
"""

from ui.web.welcome.server import run_welcome
from ui.web.welcome.state import WelcomeOutcome, WipeNotice

__all__ = ["WelcomeOutcome", "WipeNotice", "run_welcome"]
