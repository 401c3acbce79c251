from __future__ import annotations

import re
from pathlib import Path

import base58
import keyring
import pytest
from keyring.backends import fail

from config.data_dir import DataDir
from wallet.wallet_key import (
    WalletKeyError,
    load_key,
    load_wallet_record,
    provision_key,
    usable_keyring,
)


def _no_prompt(prompt: str) -> str:
    raise AssertionError(f"unexpected prompt {prompt!r}")


@pytest.fixture
def no_keyring(monkeypatch):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    yield
    keyring.set_keyring(previous)


def test_keyring_keeps_32_random_bytes_with_raw_derivation(tmp_path: Path) -> None:
    data_dir = DataDir(tmp_path)
    secret = provision_key(data_dir, _no_prompt)
    assert secret.derivation == "RAW"
    assert len(base58.b58decode(secret.key)) == 32
    assert load_key(data_dir, _no_prompt) == secret
    assert secret.key not in data_dir.wallet_file.read_text()
    assert load_wallet_record(data_dir).key_storage == "keyring"
    assert data_dir.wallet_file.stat().st_mode & 0o777 == 0o600


def test_secret_repr_hides_the_key(tmp_path: Path) -> None:
    secret = provision_key(DataDir(tmp_path), _no_prompt)
    assert secret.key not in repr(secret)
    assert secret.key not in str(secret)


def test_without_a_keyring_the_passphrase_comes_from_the_environment(
    tmp_path: Path, no_keyring, monkeypatch
) -> None:
    assert usable_keyring() is None
    monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", "correct horse battery")
    data_dir = DataDir(tmp_path)
    secret = provision_key(data_dir, _no_prompt)
    assert (secret.key, secret.derivation) == ("correct horse battery", "kdf:argon2i:mod")
    assert "correct horse" not in data_dir.wallet_file.read_text()
    assert load_wallet_record(data_dir).key_storage == "passphrase"


def test_without_a_keyring_the_passphrase_is_asked_twice(tmp_path: Path, no_keyring) -> None:
    answers = iter(["a long passphrase", "a long passphrase"])
    secret = provision_key(DataDir(tmp_path), lambda prompt: next(answers))
    assert secret.key == "a long passphrase"


def test_mismatched_or_short_passphrases_create_nothing(tmp_path: Path, no_keyring) -> None:
    answers = iter(["a long passphrase", "another passphrase"])
    with pytest.raises(WalletKeyError, match="differ"):
        provision_key(DataDir(tmp_path), lambda prompt: next(answers))
    with pytest.raises(WalletKeyError, match="at least 8"):
        provision_key(DataDir(tmp_path), lambda prompt: "short")
    assert not DataDir(tmp_path).wallet_file.exists()


def test_provisioning_twice_is_refused(tmp_path: Path) -> None:
    data_dir = DataDir(tmp_path)
    provision_key(data_dir, _no_prompt)
    before = data_dir.wallet_file.read_bytes()
    with pytest.raises(WalletKeyError, match="already exists"):
        provision_key(data_dir, _no_prompt)
    assert data_dir.wallet_file.read_bytes() == before


def test_a_key_removed_from_the_keyring_is_a_clear_error(tmp_path: Path) -> None:
    data_dir = DataDir(tmp_path)
    provision_key(data_dir, _no_prompt)
    keyring.delete_password("learner-wallet", str(data_dir.root))
    with pytest.raises(WalletKeyError, match="not in the OS keyring"):
        load_key(data_dir, _no_prompt)


def test_no_wallet_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WalletKeyError, match=re.escape(f"--data-dir {tmp_path} init`")):
        load_key(DataDir(tmp_path), _no_prompt)
