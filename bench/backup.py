"""Backup and restore of the seeded wallet (issue #16): CLI wall time, phases, size, counts.

Wall time is the real `learner-wallet backup` / `restore` process, start to exit, on the
stopped wallet; restore goes into a fresh data dir on a "second machine" (no keyring, a new
passphrase, as the integration test does). Phases come from separate runs of the same CLI
code inside a child process (`python -m bench.backup phases ...`) whose backup and restore
functions are wrapped with clocks, so the timed runs carry no instrumentation. After every
restore a child opens the restored ACA-Py store with the new key and counts its credential
records: a fast but empty restore fails the run.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from bench.holders import CLI, isolated_env
from bench.report import table
from bench.stats import Summary, TargetCheck, ratio_interval

BACKUP_LIMIT_S, RESTORE_LIMIT_S, SIZE_LIMIT = 10.0, 20.0, 1.2
SECRET_VARIABLE = "LEARNER_WALLET_BACKUP_PASSPHRASE"  # noqa: S105 (a name)
BACKUP_SECRET = "a backup passphrase for the bench"  # noqa: S105 (a test value)
NEW_MACHINE = {
    "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    "LEARNER_WALLET_PASSPHRASE": "the new laptop's passphrase",
}
CATEGORIES = {"anoncreds": "credential", "w3c": "vc_cred"}  # ACA-Py 1.7's Askar categories
CHILD_TIMEOUT = 600.0


class BackupSamples(BaseModel):
    """One backup bench run: raw samples (seconds, bytes) so anything can be recomputed."""

    size: int = 0
    seeded_from_cache: bool = False
    store_bytes: dict[str, int] = Field(default_factory=dict)
    backup_s: list[float] = Field(default_factory=list)
    restore_s: list[float] = Field(default_factory=list)
    backup_cpu_s: list[float] = Field(default_factory=list)  # user + system of the CLI
    restore_cpu_s: list[float] = Field(default_factory=list)
    file_bytes: list[int] = Field(default_factory=list)
    load_1m: list[float] = Field(default_factory=list)  # before each timed pair
    backup_phases_s: dict[str, list[float]] = Field(default_factory=dict)
    restore_phases_s: dict[str, list[float]] = Field(default_factory=dict)
    source_counts: dict[str, int] = Field(default_factory=dict)
    restored_counts: list[dict[str, int]] = Field(default_factory=list)

    @property
    def stores_total(self) -> int:
        return sum(self.store_bytes.values())


def median_interval(samples: list[float]) -> tuple[float, float]:
    """95 % bootstrap interval of the median: stats.ratio_interval against a constant 1."""
    return ratio_interval(samples, [1.0])


def targets(samples: BackupSamples) -> list[TargetCheck]:
    ratios = (
        [size / samples.stores_total for size in samples.file_bytes] if samples.stores_total else []
    )
    at = f"at {samples.size} credentials"
    series = [
        (f"backup wall time (CLI) {at}", samples.backup_s, BACKUP_LIMIT_S, "s"),
        (f"restore wall time (CLI) {at}", samples.restore_s, RESTORE_LIMIT_S, "s"),
        ("backup file / the two stores", ratios, SIZE_LIMIT, "x"),
    ]
    return [
        TargetCheck(name, Summary.of(values).p50, limit, unit, median_interval(values))
        for name, values, limit, unit in series
    ]


# --- the timed runs (parent side) -------------------------------------------------------


def run_backup_bench(
    root: Path, size: int, from_cache: bool, work: Path, reps: int
) -> BackupSamples:
    """`root` is the seeded wallet's root (its data dir and file keyring, see holders.py)."""
    samples = BackupSamples(size=size, seeded_from_cache=from_cache)
    source_env = isolated_env(root, {SECRET_VARIABLE: BACKUP_SECRET})
    data_dir = root.resolve() / "wallet"
    samples.store_bytes = _store_bytes(data_dir)
    samples.source_counts = _probe(source_env, "count", str(data_dir))
    work.mkdir(parents=True, exist_ok=True)
    for rep in range(reps):
        samples.load_1m.append(os.getloadavg()[0])
        out = work / f"backup-{rep}.lwbackup"
        seconds, cpu = _timed_cli(
            source_env, "--data-dir", str(data_dir), "backup", "--out", str(out)
        )
        samples.backup_s.append(seconds)
        samples.backup_cpu_s.append(cpu)
        samples.file_bytes.append(out.stat().st_size)
        new = work / f"restored-{rep}"
        new_env = isolated_env(new, {**NEW_MACHINE, SECRET_VARIABLE: BACKUP_SECRET})
        seconds, cpu = _timed_cli(new_env, "--data-dir", str(new / "wallet"), "restore", str(out))
        samples.restore_s.append(seconds)
        samples.restore_cpu_s.append(cpu)
        samples.restored_counts.append(_probe(new_env, "count", str(new / "wallet")))
        _check_counts(samples.source_counts, samples.restored_counts[-1])
        shutil.rmtree(new)
        if rep:
            out.unlink()  # one file stays for the phased restores
        print(
            f"backup/restore {rep + 1}/{reps}: {samples.backup_s[-1]:.2f} s / "
            f"{samples.restore_s[-1]:.2f} s",
            flush=True,
        )
    _phased_runs(samples, source_env, data_dir, work, reps)
    return samples


def _phased_runs(
    samples: BackupSamples, source_env: dict[str, str], data_dir: Path, work: Path, reps: int
) -> None:
    for rep in range(reps):
        out = work / f"phased-{rep}.lwbackup"
        phases = _probe(
            source_env, "phases", "--data-dir", str(data_dir), "backup", "--out", str(out)
        )
        for name, seconds in phases.items():
            samples.backup_phases_s.setdefault(name, []).append(seconds)
        out.unlink()
        new = work / f"phased-restored-{rep}"
        new_env = isolated_env(new, {**NEW_MACHINE, SECRET_VARIABLE: BACKUP_SECRET})
        restore = ["--data-dir", str(new / "wallet"), "restore", str(work / "backup-0.lwbackup")]
        for name, seconds in _probe(new_env, "phases", *restore).items():
            samples.restore_phases_s.setdefault(name, []).append(seconds)
        shutil.rmtree(new)


def _timed_cli(env: dict[str, str], *args: str) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one `learner-wallet` process, start to exit."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            [*CLI, *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            output.seek(0)
            raise RuntimeError(f"learner-wallet {args[2]} failed: {output.read()[-2000:]!r}")
    return wall, usage.ru_utime + usage.ru_stime


def _probe(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run `python -m bench.backup ARGS` in `env`; its last output line is a JSON object."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.backup", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.backup {args[0]} failed: {(done.stdout + done.stderr)[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _check_counts(source: dict[str, int], restored: dict[str, int]) -> None:
    if restored != source or not source.get("anoncreds", 0) + source.get("w3c", 0):
        raise RuntimeError(f"the restored store differs from the source: {restored} != {source}")


def _store_bytes(data_dir: Path) -> dict[str, int]:
    """ACA-Py's store and the controller's, with any WAL beside them (the wallet is stopped)."""
    record = json.loads((data_dir / "wallet.json").read_text())
    dirs = {
        "acapy": data_dir / "acapy" / "wallet" / record["wallet_name"],
        "controller": data_dir / "controller",
    }
    return {name: sum(p.stat().st_size for p in d.glob("sqlite.db*")) for name, d in dirs.items()}


# --- the report -------------------------------------------------------------------------


def render_backup(samples: BackupSamples) -> str:
    def seconds(values: list[float]) -> list[str]:
        summary, (low, high) = Summary.of(values), median_interval(values)
        return [
            str(summary.count),
            f"{summary.p50:.2f}",
            f"{low:.2f}-{high:.2f}",
            f"{summary.minimum:.2f}",
            f"{summary.maximum:.2f}",
        ]

    header = ["(seconds)", "n", "median", "95% interval", "min", "max"]
    rows = [
        ["backup, CLI wall", *seconds(samples.backup_s)],
        ["backup, CLI CPU (user+sys)", *seconds(samples.backup_cpu_s)],
        ["restore, CLI wall", *seconds(samples.restore_s)],
        ["restore, CLI CPU (user+sys)", *seconds(samples.restore_cpu_s)],
    ]
    rows += [[f"backup phase: {k}", *seconds(v)] for k, v in samples.backup_phases_s.items()]
    rows += [[f"restore phase: {k}", *seconds(v)] for k, v in samples.restore_phases_s.items()]
    mb = 1e6
    file_mb = Summary.of([float(size) for size in samples.file_bytes]).p50 / mb
    checks = targets(samples)
    alike = all(c == samples.source_counts for c in samples.restored_counts)
    same = "the same in every restore" if alike else f"DIFFERENT: {samples.restored_counts}"
    lines = [
        f"backup and restore: {samples.size} credentials "
        f"({'cached' if samples.seeded_from_cache else 'seeded now'}); load (1 min) before "
        f"each pair: {', '.join(f'{load:.2f}' for load in samples.load_1m)}",
        table(header, rows),
        f"stores: ACA-Py {samples.store_bytes.get('acapy', 0) / mb:.1f} MB + controller "
        f"{samples.store_bytes.get('controller', 0) / mb:.1f} MB = {samples.stores_total / mb:.1f}"
        f" MB; backup file {file_mb:.1f} MB",
        f"credential records: source {samples.source_counts}, restored {same}",
        table(
            ["target", "measured", "95% interval", "limit", "verdict"],
            [
                [
                    c.name,
                    f"{c.measured:.2f} {c.unit}",
                    f"{c.interval[0]:.2f}-{c.interval[1]:.2f}" if c.interval else "-",
                    f"{c.limit:g} {c.unit}",
                    c.verdict,
                ]
                for c in checks
            ],
        ),
    ]
    return "\n".join(lines)


def as_extra(samples: BackupSamples) -> dict[str, Any]:
    """What goes under `extra.backup` in the run's JSON: samples and target verdicts."""
    document = samples.model_dump()
    document["targets"] = [
        {
            "name": c.name,
            "measured": c.measured,
            "interval": list(c.interval or ()),
            "limit": c.limit,
            "unit": c.unit,
            "met": c.met,
        }
        for c in targets(samples)
    ]
    return document


# --- the child side: phases and counts, run in the wallet's own environment ---------------


class PhaseClock:
    """Wraps module functions so their time adds up under a label; nothing else changes."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, module: Any, name: str, label: str | Callable[..., str]) -> None:
        original = getattr(module, name)

        def name_of(*args: Any) -> str:
            return label(*args) if callable(label) else label

        def add(key: str, started: float) -> None:
            self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - started

        if inspect.iscoroutinefunction(original):

            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await original(*args, **kwargs)
                finally:
                    add(name_of(*args), started)

            setattr(module, name, timed_async)
        else:

            def timed(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    add(name_of(*args), started)

            setattr(module, name, timed)


def _store_label(verb: str) -> Callable[..., str]:
    def label(*args: Any) -> str:
        where = next(a for a in args if isinstance(a, Path))
        return f"{verb} {'controller' if 'controller' in where.parts else 'ACA-Py'} store"

    return label


def phases(cli_args: list[str]) -> dict[str, float]:
    """Run one `learner-wallet` command in this process with its steps on clocks."""
    from ui.cli import backup as cli
    from ui.cli.main import main
    from wallet.backup import restore, snapshot

    clock = PhaseClock()
    clock.wrap(cli, "check_wallet_key", "wallet key check (copies and opens ACA-Py's store)")
    clock.wrap(cli, "new_backup_key", "key derivation (Argon2id)")
    clock.wrap(snapshot, "_copy", _store_label("copy of"))
    clock.wrap(snapshot, "_member", "SHA-256 of the members")
    clock.wrap(snapshot, "write_backup", "seal and write (tar, XChaCha20-Poly1305, fsync)")
    clock.wrap(restore, "unlock", "key derivation (Argon2id)")
    clock.wrap(restore, "verify", "verify (open every chunk, hash every member)")
    clock.wrap(restore, "extract", "extract (open, hash, write, fsync)")
    clock.wrap(restore, "_rekey", _store_label("rekey (with Argon2i of the new key) of"))
    clock.wrap(restore, "_move_into_place", "move into place (fsync, rename)")
    command = cli_args[cli_args.index("--data-dir") + 2]
    clock.wrap(cli, command, "whole command")
    started = time.perf_counter()
    if main(cli_args) != 0:
        raise SystemExit(f"learner-wallet {command} failed")
    seconds = dict(clock.seconds)
    seconds["whole process after imports"] = time.perf_counter() - started
    known = sum(
        v for k, v in seconds.items() if k not in ("whole command", "whole process after imports")
    )
    seconds["other (opening stores, space checks, cleanup)"] = seconds["whole command"] - known
    return seconds


def _no_terminal(prompt: str) -> str:
    raise RuntimeError(f"no terminal to answer {prompt!r}: the bench sets every secret")


async def counts(data_dir_path: str) -> dict[str, int]:
    """Credential records in a wallet's ACA-Py store, opened with its own key."""
    from aries_askar import Store

    from config.data_dir import DataDir
    from wallet.key_check import store_uri
    from wallet.wallet_key import load_key, load_wallet_record

    data_dir = DataDir(Path(data_dir_path).resolve())
    secret = load_key(data_dir, _no_terminal)
    wallet_dir = data_dir.acapy_wallet_dir(load_wallet_record(data_dir).wallet_name)
    store = await Store.open(store_uri(wallet_dir), secret.derivation, secret.key)
    try:
        async with store.session() as session:
            found = {kind: await session.count(category) for kind, category in CATEGORIES.items()}
    finally:
        await store.close()
    with sqlite3.connect(f"file:{wallet_dir / 'sqlite.db'}?mode=ro", uri=True) as db:
        found["all items"] = int(db.execute("SELECT count(*) FROM items").fetchone()[0])
    return found


def child_main(argv: list[str]) -> int:
    import asyncio

    parser = argparse.ArgumentParser(prog="python -m bench.backup")
    parser.add_argument("action", choices=("phases", "count"))
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.action == "count":
        answer: dict[str, Any] = asyncio.run(counts(args.rest[0]))
    else:
        answer = phases(args.rest)
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    raise SystemExit(child_main(sys.argv[1:]))
