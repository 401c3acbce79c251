"""Logging for the controller: a file in the data dir, and the terminal for warnings."""

from __future__ import annotations

import logging
import logging.handlers
import os

from config.data_dir import DataDir

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(data_dir: DataDir | None, verbose: bool) -> None:
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    console = logging.StreamHandler()
    console.setLevel(logging.INFO if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root.addHandler(console)
    if data_dir is not None and data_dir.root.exists():
        add_file_log(data_dir)
    # aiohttp's access log would record login links; it is never enabled.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)


def add_file_log(data_dir: DataDir) -> None:
    """Log to `logs/controller.log` in the data dir (once), readable by the learner only.

    Called at start-up when the data dir exists, and by `demo` once it has made a new one.
    """
    data_dir.logs.mkdir(mode=0o700, exist_ok=True)
    log_file = data_dir.logs / "controller.log"
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, logging.FileHandler) and handler.baseFilename == str(log_file):
            return
    file_handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=5_000_000, backupCount=3, encoding="utf-8"
    )
    os.chmod(log_file, 0o600)
    file_handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(file_handler)
