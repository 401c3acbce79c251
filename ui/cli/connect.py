"""`learner-wallet connect <url-or-json>`: accept an invitation in the running wallet.

Talks to the wallet `start` runs, through its JSON API with the token from the data dir,
so the command line and the UI go through the same checks.
"""

from __future__ import annotations

import json
import shlex
import sys
import urllib.error
import urllib.request
from typing import Any

from config.data_dir import DataDir
from config.run_facts import running_facts
from ui.cli import exit_codes
from ui.cli.control import not_running

TIMEOUT_SECONDS = 30


def _post(data_dir: DataDir, facts: dict[str, Any], path: str, body: Any) -> tuple[int, Any]:
    base = str(facts["ui_url"])
    if not base.startswith("http://127.0.0.1:"):
        raise ValueError(f"run.json names a non-loopback address {base!r}")
    token = data_dir.ui_token_file.read_text().strip()
    request = urllib.request.Request(  # noqa: S310 (checked above: loopback http only)
        base.rstrip("/") + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def connect(data_dir: DataDir, invitation: str, alias: str | None = None) -> int:
    """Accept `invitation`; print the connection, or the wallet's error and its hint."""
    facts = running_facts(data_dir)
    if facts is None:
        again = [
            "connect",
            shlex.quote(invitation),
            *(["--alias", shlex.quote(alias)] if alias else []),
        ]
        print(not_running(data_dir, " ".join(again)), file=sys.stderr)
        return exit_codes.NOT_RUNNING
    body: dict[str, Any] = {"invitation": invitation}
    if alias:
        body["alias"] = alias
    try:
        status, answer = _post(data_dir, facts, "/api/connections", body)
    except (OSError, ValueError) as error:
        print(f"error: the wallet's API does not answer: {error}", file=sys.stderr)
        return exit_codes.FAILED
    if status >= 400:
        problem = answer.get("error", {}) if isinstance(answer, dict) else {}
        print(f"error: {problem.get('message', f'HTTP {status}')}", file=sys.stderr)
        if problem.get("hint"):
            print(f"hint: {problem['hint']}", file=sys.stderr)
        if problem.get("detail"):
            print(f"technical details: {problem['detail']}", file=sys.stderr)
        return exit_codes.FAILED
    connection = answer["connection"]
    who = connection.get("label") or "the inviter"
    verb = "Already connected to" if answer.get("reused") else "Connecting to"
    print(f"{verb} {who} (connection {connection['id']}, state {connection['state']}).")
    return exit_codes.OK
