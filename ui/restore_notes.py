"""What a learner must know right after a restore, for the terminal and the welcome page alike.

Both copies of a wallet hold the same keys, and in direct delivery peers keep sending to the
old address: the notes say so, and warn when the old wallet is on this computer. Each note is
a catalogue key (`setup_note.<key>`) with its values, so `restore` words it in English and
the welcome page in the learner's language, from one piece of logic.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from agent.ports import PortInUseError, port_or_free
from config.data_dir import DataDir
from config.run_facts import running_facts
from config.settings import SettingsError, load_settings
from config.wallet_command import wallet_command
from config.wallet_lock import wallet_in_use
from wallet.backup.restore import Restored
from wallet.wallet_key import WalletKeyError, load_wallet_record

NOTE_PREFIX = "setup_note."


@dataclass(frozen=True)
class RestoreNote:
    """One thing to know: `setup_note.<key>` in the catalogues, filled with `params`."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)
    warning: bool = False


def restore_notes(data_dir: DataDir, restored: Restored) -> list[RestoreNote]:
    return [*delivery_notes(data_dir, restored), *old_copy_notes(restored)]


def delivery_notes(data_dir: DataDir, restored: Restored) -> list[RestoreNote]:
    """How messages reach the restored wallet, and whether its old address still works."""
    try:
        settings = load_settings(data_dir.config_file)
    except SettingsError as error:
        return [RestoreNote("settings_need_look", {"problem": str(error)}, warning=True)]
    if settings.delivery_mode == "pickup":
        return [RestoreNote("pickup")]
    port = settings.inbound_port or restored.record.inbound_port
    endpoint = settings.endpoint or f"http://127.0.0.1:{port}"
    notes = [RestoreNote("peers_send_to", {"endpoint": endpoint})]
    if port:
        try:
            port_or_free(port, "inbound_port")
            notes.append(RestoreNote("port_free", {"port": port}))
        except PortInUseError:
            notes.append(RestoreNote("port_taken", {"port": port}, warning=True))
    if settings.endpoint or source_elsewhere(restored):
        notes.append(RestoreNote("elsewhere"))
    return notes


def source_elsewhere(restored: Restored) -> bool:
    return restored.manifest.source.host != socket.gethostname()


def old_copy_notes(restored: Restored) -> list[RestoreNote]:
    """Never run both copies; and where the old one is on this computer, say where."""
    source = restored.manifest.source
    notes = [RestoreNote("never_both")]
    if source_elsewhere(restored):
        return notes
    old = DataDir(Path(source.data_dir))
    try:
        same = old.is_initialized() and (load_wallet_record(old).wallet_name == source.wallet_name)
    except WalletKeyError:
        same = False
    if not same:
        return notes
    if running_facts(old) is not None or wallet_in_use(old):
        params = {"path": str(old.root), "command": wallet_command(old, "stop")}
        notes.append(RestoreNote("old_runs_here", params, warning=True))
    else:
        notes.append(RestoreNote("old_still_here", {"path": str(old.root)}, warning=True))
    return notes
