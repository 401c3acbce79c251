"""Holder-side issue-credential v2 records shaped as ACA-Py 1.7 returns them (trimmed), and
the fake admin API answering the holder calls of offers and DIDs at the HTTP boundary."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tests.unit.fake_admin import FakeAdminApi

ED25519_ISSUER = "did:key:z6MknToJVkfCeSpHr8CXXGfEHrbbxTUKmwsMHeKuSKRYgsNe"
BBS_ISSUER = "did:key:zUC7C2znGDjmSq7tFaaxyFKj2VmCbAf6ZPykbw5yuUmGmsaYvWo4naarwv2BikF8Vrn"
DIDWEB_ISSUER = "did:web:127.0.0.1%3A40281:issuers:open-learning-institute"
CRED_DEF_ID = f"{DIDWEB_ISSUER}?service=anoncreds&relativeRef=/credDef/4Yidq5APX1YHeq1h1s"
SCHEMA_ID = f"{DIDWEB_ISSUER}?service=anoncreds&relativeRef=/schema/4uDK5DHx7dhqvZa6Fe4C"
MICRO_SUBJECT = {
    "courseTitle": "Data Literacy Foundations",
    "provider": "Open Learning Institute",
    "score": 87,
    "completionDate": "2025-06-30",
    "skills": ["reading data", "charts"],
}


def ld_record(
    cred_ex_id: str,
    proof_type: str = "Ed25519Signature2020",
    state: str = "offer-received",
    issuer: Any = ED25519_ISSUER,
    credential: dict[str, Any] | None = None,
) -> dict[str, Any]:
    credential = credential or {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://learner-wallet.example/contexts/microcredential/v1",
        ],
        "id": "urn:uuid:bf88113a-dc57-4cf2-9e1d-b521dadf24ae",
        "type": ["VerifiableCredential", "MicroCredential"],
        "issuer": issuer,
        "issuanceDate": "2026-11-22T06:56:16Z",
        "credentialSubject": dict(MICRO_SUBJECT),
    }
    return {
        "state": state,
        "created_at": "2026-11-22T06:56:16.800653Z",
        "updated_at": "2026-11-22T06:56:16.800653Z",
        "cred_ex_id": cred_ex_id,
        "connection_id": "conn-1",
        "thread_id": f"thread-{cred_ex_id}",
        "initiator": "external",
        "role": "holder",
        "cred_offer": {"@type": "https://didcomm.org/issue-credential/2.0/offer-credential"},
        "by_format": {
            "cred_offer": {
                "ld_proof": {"credential": credential, "options": {"proofType": proof_type}}
            }
        },
        "auto_offer": False,
        "auto_issue": False,
    }


def badge_record(cred_ex_id: str) -> dict[str, Any]:
    credential = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": ED25519_ISSUER, "type": ["Profile"], "name": "Open Learning Institute"},
        "issuanceDate": "2026-11-22T06:56:16Z",
        "name": "Data Literacy Foundations",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://learner-wallet.example/achievements/data-literacy",
                "type": ["Achievement"],
                "name": "Data Literacy Foundations",
                "criteria": {"narrative": "Passed the final assessment."},
            },
        },
    }
    return ld_record(cred_ex_id, credential=credential)


def anoncreds_record(cred_ex_id: str, state: str = "offer-received") -> dict[str, Any]:
    attributes = [
        {"name": "course_title", "value": "Data Literacy Foundations"},
        {"name": "score", "value": "87"},
    ]
    return {
        "state": state,
        "created_at": "2026-11-22T06:56:01.010046Z",
        "updated_at": "2026-11-22T06:56:01.010046Z",
        "cred_ex_id": cred_ex_id,
        "connection_id": "conn-1",
        "thread_id": f"thread-{cred_ex_id}",
        "role": "holder",
        "cred_preview": {
            "@type": "https://didcomm.org/issue-credential/2.0/credential-preview",
            "attributes": attributes,
        },
        "cred_offer": {"comment": "Your course result"},
        "by_format": {
            "cred_offer": {
                "anoncreds": {
                    "schema_id": SCHEMA_ID,
                    "cred_def_id": CRED_DEF_ID,
                    "nonce": "123",
                    "key_correctness_proof": {},
                }
            }
        },
    }


def detail(record: dict[str, Any], stored: str | None = None) -> dict[str, Any]:
    """`GET /issue-credential-2.0/records/{id}`: the record plus its format detail."""
    offers = record["by_format"]["cred_offer"]
    fmt = "ld_proof" if "ld_proof" in offers else "anoncreds"
    body: dict[str, Any] = {"cred_ex_record": record, "ld_proof": None, "anoncreds": None}
    if stored:
        body[fmt] = {"cred_ex_id": record["cred_ex_id"], "cred_id_stored": stored}
    return body


class FakeHolderAdmin(FakeAdminApi):
    """The fake admin API plus the holder calls offers and DIDs make, with ACA-Py's answers."""

    def __init__(self) -> None:
        super().__init__()
        self.details: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.problem_reports: list[tuple[str, str]] = []
        self.schemas: dict[str, dict[str, Any]] = {SCHEMA_ID: {"name": "Course result"}}
        self.w3c: list[dict[str, Any]] = []
        self.created_dids: list[dict[str, Any]] = []
        self.fail_requests_with: str | None = None
        self.crash_requests = False

    def offer(self, body: dict[str, Any]) -> None:
        """Receive an offer: the record joins both the list and the detail routes."""
        self.details[body["cred_ex_record"]["cred_ex_id"]] = body
        self.cred_exchanges.append(body["cred_ex_record"])

    def add_routes(self, app: web.Application) -> None:
        prefix = "/issue-credential-2.0/records/{cred_ex_id}"
        app.router.add_get(prefix, self._detail)
        app.router.add_post(prefix + "/send-request", self._send_request)
        app.router.add_post(prefix + "/problem-report", self._problem_report)
        app.router.add_get("/connections/{connection_id}", self._connection)
        app.router.add_get("/anoncreds/schema/{schema_id}", self._schema)
        app.router.add_post("/wallet/did/create", self._create_did)
        app.router.add_post("/credentials/w3c", self._w3c)

    async def _detail(self, request: web.Request) -> web.Response:
        body = self.details.get(request.match_info["cred_ex_id"])
        if body is None:
            return web.json_response({"message": "Record not found"}, status=404)
        return web.json_response(body)

    async def _send_request(self, request: web.Request) -> web.Response:
        record = self.details[request.match_info["cred_ex_id"]]["cred_ex_record"]
        if self.fail_requests_with:
            record.update(state="abandoned", error_msg=self.fail_requests_with)
            return web.json_response({"message": self.fail_requests_with}, status=400)
        if self.crash_requests:  # ACA-Py's 500 for an unexpected error: record untouched
            return web.Response(status=500, text="500: Internal Server Error")
        if record["state"] != "offer-received":
            return web.json_response({"message": "wrong state"}, status=400)
        self.requests.append((record["cred_ex_id"], await request.json()))
        record["state"] = "request-sent"
        return web.json_response(record)

    async def _problem_report(self, request: web.Request) -> web.Response:
        record = self.details[request.match_info["cred_ex_id"]]["cred_ex_record"]
        description = (await request.json())["description"]
        self.problem_reports.append((record["cred_ex_id"], description))
        record.update(state="abandoned", error_msg=f"created problem report: {description}")
        return web.json_response({})

    async def _connection(self, request: web.Request) -> web.Response:
        wanted = request.match_info["connection_id"]
        for connection in self.connections:
            if connection["connection_id"] == wanted:
                return web.json_response(connection)
        return web.json_response({"message": "not found"}, status=404)

    async def _schema(self, request: web.Request) -> web.Response:
        schema = self.schemas.get(request.match_info["schema_id"])
        if schema is None:
            return web.json_response({"message": "not found"}, status=404)
        return web.json_response({"schema": schema})

    async def _create_did(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("method") not in ("key", "did:peer:4"):
            reason = f"method {body.get('method')} is not supported by the agent."
            return web.json_response({"message": reason}, status=403)
        key_type = body.get("options", {}).get("key_type", "ed25519")
        self.created_dids.append(body)
        did = (
            "did:peer:4zQmNew:zLongForm"
            if body["method"] == "did:peer:4"
            else f"did:key:z{key_type}{len(self.created_dids)}"
        )
        info = {"did": did, "verkey": "v", "method": body["method"], "key_type": key_type}
        self.dids.append(info)
        return web.json_response({"result": info})

    async def _w3c(self, request: web.Request) -> web.Response:
        subjects = set((await request.json()).get("subject_ids") or [])
        # As ACA-Py: without subject_ids, every credential (the rest of its filter unused here).
        found = [c for c in self.w3c if not subjects or subjects & set(c["subject_ids"])]
        return web.json_response({"results": found})
