"""Badge pictures on the Credentials screen: embedded ones shown, web addresses never loaded."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import aiohttp

from tests.unit.fake_admin import FakeAdminApi
from tests.unit.wallet_site import close_services, make_services, serving
from wallet.credentials.models import CredentialPage, CredentialSearch, StoredCredential

PNG = "data:image/png;base64,iVBORw0KGgo="
REMOTE = "https://issuer.example/badges/welding.png"


class ListedCredentials:
    """Stands in for the index behind /api/credentials: two badges, one embedded, one remote."""

    def __init__(self) -> None:
        self.items = [
            StoredCredential(id="w3c:b1", format="w3c", title="Data Literacy", image=PNG),
            StoredCredential(id="w3c:b2", format="w3c", title="Welding", image=REMOTE),
            StoredCredential(id="w3c:b3", format="w3c", title="No Picture"),
        ]

    async def search(self, search: CredentialSearch) -> CredentialPage:
        return CredentialPage(items=self.items, total=3, limit=search.limit, offset=0)


async def test_cards_show_embedded_badges_with_alt_text_and_never_load_web_ones(
    tmp_path: Path,
) -> None:
    admin_api = FakeAdminApi()
    await admin_api.start()
    services = await make_services(admin_api.url, tmp_path, with_store=False)
    listed: Any = ListedCredentials()
    services.credentials = listed
    try:
        async with serving(services) as (server, ui):
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(cookie_jar=jar) as session:
                base = f"http://127.0.0.1:{server.port}"
                async with session.get(f"{base}/login?code={ui.login_code}") as login:
                    assert login.status == 200
                async with session.get(f"{base}/credentials") as response:
                    assert response.status == 200
                    page = await response.text()
                    csp = response.headers["Content-Security-Policy"]
    finally:
        await close_services(services)
        await admin_api.close()
    images = re.findall(r"<img [^>]*>", page)
    embedded = [tag for tag in images if PNG in tag]
    assert len(embedded) == 1 and 'alt="Badge: Data Literacy"' in embedded[0]
    assert REMOTE not in page, "a badge's web address reached the page"
    assert any("/static/badge-placeholder.svg" in tag for tag in images)
    assert "Badge picture not loaded (it is on the issuer&#39;s website): Welding" in page
    assert len(images) == 2  # the card without a picture gets none
    assert "img-src 'self' data:" in csp
