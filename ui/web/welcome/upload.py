"""The backup file from the browser: streamed to a private temp file, never held in memory.

The file goes beside the data dir (same disk as the restore) with mode 0600, under a size
limit; whoever receives it deletes it when done (`received_backup`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import BodyPartReader, web

from config.data_dir import DataDir
from ui.web.errors import ApiError

MAX_BACKUP_BYTES = 2 * 1024**3  # far above a wallet of 10,000 credentials
MAX_FIELD_BYTES = 4096
CHUNK = 256 * 1024
FILE_FIELD = "backup"
TEXT_FIELDS = ("secret", "passphrase", "passphrase_repeat")


@dataclass
class RestoreForm:
    """What the restore form sent; secrets are never shown in a repr."""

    path: Path | None = None
    texts: dict[str, str] = field(default_factory=dict, repr=False)

    def text(self, name: str) -> str:
        return self.texts.get(name, "")


def upload_folder(data_dir: DataDir) -> Path:
    """The data dir's parent (the restore writes there too), else the system's temp dir."""
    parent = data_dir.root.parent
    try:
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return Path(tempfile.gettempdir())
    return parent if os.access(parent, os.W_OK) else Path(tempfile.gettempdir())


@contextlib.asynccontextmanager
async def received_backup(request: web.Request, data_dir: DataDir) -> AsyncIterator[RestoreForm]:
    """Read the multipart form; the temp file is deleted however the block ends."""
    form = RestoreForm()
    try:
        if request.content_type != "multipart/form-data":
            raise ApiError(422, "restore_form_incomplete")
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                raise ApiError(400, "restore_form_incomplete")
            if part.name == FILE_FIELD and form.path is None:
                form.path = await _stream_to_temp(part, upload_folder(data_dir))
            elif part.name in TEXT_FIELDS:
                form.texts[part.name] = await _small_text(part)
            else:
                await part.release()
        yield form
    finally:
        if form.path is not None:
            form.path.unlink(missing_ok=True)


async def _stream_to_temp(part: BodyPartReader, folder: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=".learner-wallet-upload-", suffix=".lwbackup", dir=folder)
    path = Path(name)
    size = 0
    try:
        with os.fdopen(fd, "wb") as handle:
            while chunk := await part.read_chunk(CHUNK):
                size += len(chunk)
                if size > MAX_BACKUP_BYTES:
                    raise ApiError(413, "backup_too_large")
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


async def _small_text(part: BodyPartReader) -> str:
    data = bytearray()
    while chunk := await part.read_chunk(MAX_FIELD_BYTES):
        data += chunk
        if len(data) > MAX_FIELD_BYTES:
            raise ApiError(413, "restore_field_too_long")
    return data.decode("utf-8", errors="replace")
