"""The demo's own trust list (issue #18, "the demo shows trust").

The university is on it under each DID it issues with, named with its register and its
invitation; the employer is not. The demo's wallet starts with this list whatever the
learner's own `trust_list` setting or variable says, and the learner's setting is left as
it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from config.data_dir import DataDir
from demo.peer_issuer import ISSUER_LABEL
from demo.trust_list import DEMO_REGISTER, issuer_entries, write_trust_list
from protocols.consent.trust import verifier_info
from protocols.presentation.trust import check_trust_file, trust_list_of
from tests.unit.test_consent_guidance import INVITATION
from ui.cli.demo import demo_settings

DIDWEB = "did:web:127.0.0.1%3A8443:issuers:open-learning-institute"
ED25519 = "did:key:z6MkgKA7yrw5kYSiDuQFcye4bMaJpcfHFry3Bx45pdWh3s8i"
BBS = "did:key:zUC7LTa4hWtaE9YKyDsMVGiRNqPMN3s4rjBdB3MFi6PcVWReNfR72y3oGW2NhNcaKNVhMobh"
EMPLOYER = "did:peer:2.Ez6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc"


def test_the_university_is_trusted_under_each_did_and_the_employer_is_not(
    tmp_path: Path,
) -> None:
    entries = issuer_entries(ISSUER_LABEL, [DIDWEB, ED25519, BBS, ED25519, ""], INVITATION)
    path = write_trust_list(tmp_path / "peers", entries)
    assert path.stat().st_mode & 0o777 == 0o600
    trust = trust_list_of(check_trust_file(path))  # as `start` reads it, invitation checked
    assert len(trust.entries) == 3
    for did in (DIDWEB, ED25519, BBS):
        entry = trust.lookup(did, "issuer")
        assert entry is not None, did
        assert (entry.name, entry.register_) == (ISSUER_LABEL, DEMO_REGISTER)
        assert entry.invitation == INVITATION
        assert trust.lookup(did, "verifier") is None  # trusted to issue, not to ask
    employer = verifier_info("Employer", EMPLOYER, trust)
    assert not employer.trusted and employer.status == "unknown"


class StandInStory:
    """What `demo_settings` asks of the story."""

    delivery = "direct"

    def __init__(self, trust_file: Path) -> None:
        self.trust_file = trust_file

    async def mediator_invitation(self) -> None:
        return None

    async def trust_list(self) -> Path:
        return self.trust_file


async def test_the_demo_wallet_reads_its_own_list_whatever_the_learner_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    learners_own = tmp_path / "own-trust.json"
    learners_own.write_text("[]")
    monkeypatch.setenv("LEARNER_WALLET_TRUST_LIST", str(learners_own))
    data_dir = DataDir(tmp_path / "demo")
    data_dir.root.mkdir()
    data_dir.config_file.write_text(f'trust_list = "{learners_own}"\n')
    demo_list = write_trust_list(tmp_path / "demo" / "peers", issuer_entries("U", [DIDWEB], None))

    settings = await demo_settings(StandInStory(demo_list), data_dir)  # type: ignore[arg-type]

    assert settings.trust_list == demo_list
    assert data_dir.config_file.read_text() == f'trust_list = "{learners_own}"\n'
    assert learners_own.read_text() == "[]"
