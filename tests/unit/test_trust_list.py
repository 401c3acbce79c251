"""The trust list file: read into the engine's TrustList, or refused with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from config.settings import SettingsError, WalletSettings
from protocols.consent.trust import verifier_info
from protocols.presentation.trust import load_trust_list
from wallet.trust_list import TrustListError, load_trust_file

UNI = {"did": "did:web:uni.example", "name": "University of Example", "country": "NL",
       "register": "NVAO", "roles": ["issuer"]}  # fmt: skip
ACME = {"did": "did:web:acme.example", "name": "Acme Hiring", "roles": ["verifier"]}
BOTH = {"did": "WgWxqztrNooG92RXvxSTWv", "name": "Old Indy College"}


def write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "trust.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_a_valid_file_becomes_the_engines_trust_list(tmp_path: Path) -> None:
    settings = WalletSettings(trust_list=write(tmp_path, [UNI, ACME, BOTH]))
    trust = load_trust_list(settings)
    uni = trust.lookup("did:web:uni.example", "issuer")
    assert uni is not None and uni.name == "University of Example"
    assert uni.country == "NL" and uni.register_ == "NVAO"
    assert trust.lookup("did:web:uni.example", "verifier") is None  # an issuer only
    assert verifier_info("Acme", "did:web:acme.example", trust).trusted
    assert trust.lookup("did:sov:WgWxqztrNooG92RXvxSTWv", "verifier") is not None  # no roles


def test_no_file_configured_trusts_nobody() -> None:
    assert load_trust_list(WalletSettings()).entries == []


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("[{", "not valid JSON at line 1, column 3"),
        ({"did": "did:web:x", "name": "X"}, "expected a JSON list"),
        ([UNI, {"did": "did:web:y"}], "entry 2: name: Field required"),
        ([{**ACME, "website": "x"}], "entry 1: unknown key 'website'"),
        ([{**ACME, "roles": ["holder"]}], "entry 1: roles.0:"),
        ([{"did": "not a did", "name": "X"}], "must be a DID"),
        ([ACME, {**ACME, "name": "Acme again"}], "already listed in entry 1"),
        (["did:web:x"], "must be an object"),
    ],
)
def test_a_broken_file_is_refused_naming_the_file_and_the_problem(
    tmp_path: Path, content: object, words: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(TrustListError) as refused:
        load_trust_file(path)
    assert str(path) in str(refused.value) and words in str(refused.value)
    assert isinstance(refused.value, SettingsError)  # so `start` exits with "invalid settings"


def test_a_missing_file_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(TrustListError, match=r"no such file.*LEARNER_WALLET_TRUST_LIST"):
        load_trust_file(tmp_path / "absent.json")
