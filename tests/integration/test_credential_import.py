"""Issue #16 point 6 against real ACA-Py: credential files are verified offline and imported.

The issuer is the shared real peer: it signs a micro-credential and an Open Badges 3.0
credential with its Ed25519 did:key (`/vc/credentials/issue`), as a badge platform would,
and the files are written to disk. The learner is the real wallet (`learner-wallet start`)
with a trust list naming the issuer; files go in through the JSON API, byte for byte.
"""

from __future__ import annotations

import asyncio
import copy
import html
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from demo.peer_credentials import (
    SAMPLE_BADGE,
    SAMPLE_MICROCREDENTIAL,
    microcredential,
    open_badge,
)
from demo.peers import DidWebHostProcess, IssuerPeer
from tests.integration.conftest import start_learner
from tests.integration.test_credentials import (
    TIMEOUT,
    connect,
    learner_agent,
    receive_ld,
)
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration
TRUSTED_NAME = "Open Learning Institute (on the list)"
CHECK = "/api/credentials/import/check"
IMPORT = "/api/credentials/import"


def post_file(learner: WalletCli, path: str, file: Path) -> tuple[int, Any]:
    """POST the file's bytes as they are, with the API token (what the page's script does)."""
    url = learner.run_facts()["ui_url"].rstrip("/") + path
    headers = {"Authorization": f"Bearer {learner.token}", "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=file.read_bytes(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def exported_file(learner: WalletCli, credential_id: str) -> bytes:
    """The file the wallet's "Save a copy for another wallet" link downloads."""
    url = learner.run_facts()["ui_url"].rstrip("/")
    export = urllib.request.Request(
        f"{url}/api/credentials/{quote(credential_id, safe='')}/export",
        headers={"Authorization": f"Bearer {learner.token}"},
    )
    with urllib.request.urlopen(export, timeout=TIMEOUT) as response:
        return response.read()


def page_text(learner: WalletCli, path: str) -> str:
    """A screen as the browser gets it (the token stands in for the session here)."""
    url = learner.run_facts()["ui_url"].rstrip("/") + path
    headers = {"Authorization": f"Bearer {learner.token}", "Accept-Language": "en"}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return html.unescape(response.read().decode("utf-8"))


def get(learner: WalletCli, path: str) -> Any:
    code, body = learner.api("GET", path)
    assert code == 200, f"GET {path}: {code} {body}"
    return body


def held_ids(learner: WalletCli) -> list[str]:
    return [item["id"] for item in get(learner, "/api/credentials?limit=100")["items"]]


async def signed_file(
    issuer: IssuerPeer,
    credential: dict[str, Any],
    file: Path,
    proof_type: str = "Ed25519Signature2020",
) -> Path:
    body = {"credential": credential, "options": {"proofType": proof_type}}
    signed = (await issuer.call("POST", "/vc/credentials/issue", body))["verifiableCredential"]
    file.write_text(json.dumps(signed, indent=2), encoding="utf-8")
    return file


@pytest.fixture
def trusting_learner(tmp_path: Path, didweb_host: DidWebHostProcess, issuer: IssuerPeer):
    """The wallet for one test, its trust list naming the issuer's did:key."""
    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps([{"did": issuer.ed25519_did, "name": TRUSTED_NAME}]))
    cli = start_learner(tmp_path / "learner", didweb_host, LEARNER_WALLET_TRUST_LIST=str(trust))
    try:
        yield cli
    finally:
        cli.kill()


async def test_signed_files_are_checked_imported_listed_and_refused_when_changed(
    trusting_learner: WalletCli, issuer: IssuerPeer, tmp_path: Path
) -> None:
    learner = trusting_learner
    course = microcredential(issuer.ed25519_did, SAMPLE_MICROCREDENTIAL)
    course["id"] = "https://learner-wallet.example/credentials/42"  # an id with slashes
    course_file = await signed_file(issuer, course, tmp_path / "course.json")
    badge = open_badge(issuer.ed25519_did, issuer.label, SAMPLE_BADGE)
    badge_file = await signed_file(issuer, badge, tmp_path / "badge.json")

    code, checked = await asyncio.to_thread(post_file, learner, CHECK, badge_file)
    assert code == 200, checked
    preview = checked["items"][0]
    assert preview["status"] == "ready" and preview["issuer_trusted"] is True
    assert preview["credential"]["issuer_label"] == TRUSTED_NAME
    assert preview["credential"]["title"] == "Data Literacy Foundations"
    assert held_ids(learner) == []  # a check stores nothing

    imported: dict[str, str] = {}
    for name, file in (("course", course_file), ("badge", badge_file)):
        code, answer = await asyncio.to_thread(post_file, learner, IMPORT, file)
        assert code == 201, answer
        (imported[name],) = answer["credential_ids"]
    assert imported["course"] == f"w3c:{course['id']}"

    listed = {item["id"]: item for item in get(learner, "/api/credentials?limit=100")["items"]}
    assert set(listed) == set(imported.values())
    for credential_id in imported.values():
        card = listed[credential_id]
        assert card["issuer_label"] == TRUSTED_NAME and card["issuer_did"] == issuer.ed25519_did
        detail = get(learner, f"/api/credentials/{quote(credential_id, safe='')}")
        assert detail["raw"]["proof"]["type"] == "Ed25519Signature2020"
    assert listed[imported["course"]]["attributes"]["score"] == "87"
    badge_card = listed[imported["badge"]]
    assert badge_card["attributes"]["achievement.name"] == "Data Literacy Foundations"
    assert "OpenBadgeCredential" in badge_card["types"]
    page = get(learner, "/api/credentials?q=literacy&format=w3c")
    assert {item["id"] for item in page["items"]} == set(imported.values())
    history = get(learner, "/api/history")["entries"]
    assert sorted(e["kind"] for e in history if e.get("kind") == "imported") == ["imported"] * 2
    screen = page_text(learner, "/history")
    assert f"Added {SAMPLE_MICROCREDENTIAL['courseTitle']} from a file" in screen
    assert f"Issued by {TRUSTED_NAME}" in screen
    course_path = "/credentials/" + quote(imported["course"], safe="")
    assert f'href="{course_path}"' in page_text(learner, "/credentials")
    assert "Save a copy for another wallet" in page_text(learner, course_path)

    code, again = await asyncio.to_thread(post_file, learner, IMPORT, badge_file)
    assert code == 409 and again["error"]["code"] == "already_in_wallet", again

    tampered = json.loads(course_file.read_text())
    tampered["credentialSubject"]["score"] = 99
    tampered_file = tmp_path / "course-changed.json"
    tampered_file.write_text(json.dumps(tampered))
    for path in (CHECK, IMPORT):
        code, refused = await asyncio.to_thread(post_file, learner, path, tampered_file)
        assert code == 422, refused
        assert refused["error"]["code"] == "import_refused"
        assert "changed after the issuer signed it" in refused["error"]["message"]
        assert "99" not in (refused["error"]["detail"] or "")
    assert sorted(held_ids(learner)) == sorted(imported.values())


async def test_a_file_with_an_unknown_vocabulary_or_no_signature_is_refused(
    learner: WalletCli, issuer: IssuerPeer, tmp_path: Path
) -> None:
    course = microcredential(issuer.ed25519_did, SAMPLE_MICROCREDENTIAL)
    signed = json.loads((await signed_file(issuer, course, tmp_path / "c.json")).read_text())
    unknown = copy.deepcopy(signed)
    unknown["@context"].append("https://registrar.example/contexts/transcript/v1")
    unsigned = {key: value for key, value in signed.items() if key != "proof"}
    for document, words in (
        (unknown, "terms this wallet does not know"),
        (unsigned, "not signed"),
    ):
        file = tmp_path / "bad.json"
        file.write_text(json.dumps(document))
        code, refused = await asyncio.to_thread(post_file, learner, IMPORT, file)
        assert code == 422 and words in refused["error"]["message"], refused
    assert held_ids(learner) == []


async def test_bbs_and_older_ed25519_signatures_are_verified_and_imported(
    learner: WalletCli, issuer: IssuerPeer, tmp_path: Path
) -> None:
    """Every other signature kind ACA-Py 1.7 checks offline is accepted too."""
    kinds = {"BbsBlsSignature2020": issuer.bbs_did, "Ed25519Signature2018": issuer.ed25519_did}
    for proof_type, did in kinds.items():
        credential = microcredential(did, {**SAMPLE_MICROCREDENTIAL, "courseTitle": proof_type})
        file = await signed_file(issuer, credential, tmp_path / f"{proof_type}.json", proof_type)
        code, answer = await asyncio.to_thread(post_file, learner, IMPORT, file)
        assert code == 201, answer
        (credential_id,) = answer["credential_ids"]
        card = get(learner, f"/api/credentials/{quote(credential_id, safe='')}")
        assert card["proof_type"] == proof_type and card["title"] == proof_type
    assert len(held_ids(learner)) == 2


async def test_a_badge_exported_from_one_wallet_is_imported_into_another(
    learner: WalletCli,
    issuer: IssuerPeer,
    didweb_host: DidWebHostProcess,
    tmp_path: Path,
) -> None:
    agent = learner_agent(learner)
    try:
        connection_id = await connect(learner, issuer)
        received = await receive_ld(
            learner, agent, issuer, connection_id, "openbadge", SAMPLE_BADGE
        )
    finally:
        await agent.close()
    file = tmp_path / "exported-badge.json"
    file.write_bytes(await asyncio.to_thread(exported_file, learner, received))

    second = start_learner(tmp_path / "second", didweb_host)
    try:
        code, answer = await asyncio.to_thread(post_file, second, IMPORT, file)
        assert code == 201, answer
        (credential_id,) = answer["credential_ids"]
        card = get(second, f"/api/credentials/{quote(credential_id, safe='')}")
        original = get(learner, f"/api/credentials/{quote(received, safe='')}")
        assert card["raw"] == original["raw"]  # the issuer's signed document, untouched
        assert card["title"] == original["title"] == "Data Literacy Foundations"
        assert card["issuer_label"] == issuer.label  # its own name: not on this trust list
        assert card["issuer_did"] == issuer.ed25519_did
        assert held_ids(second) == [credential_id]
    finally:
        second.kill()
