"""Short invitation links: fetch the invitation behind them, with hard limits.

An inviter may hand out `https://issuer.example/i/abc`; that answers with the invitation
JSON or redirects to a URL carrying `?oob=` (RFC 0434). Limits keep a hostile or broken
link from hanging or flooding the wallet: 64 KiB, 5 s, 3 redirects.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import aiohttp

from protocols.connections.errors import InvitationError
from protocols.connections.invitation import (
    MAX_INVITATION_BYTES,
    Invitation,
    ShortLink,
    check_size,
    parse_invitation,
)

FETCH_TIMEOUT = aiohttp.ClientTimeout(total=5)
MAX_REDIRECTS = 3
REDIRECTS = {301, 302, 303, 307, 308}


async def resolve_invitation(text: str, *, ledger: bool = False) -> Invitation:
    """Parse what the learner pasted, fetching a short link when that is what it is."""
    parsed = parse_invitation(text, ledger=ledger)
    if isinstance(parsed, Invitation):
        return parsed
    return await fetch_short_link(parsed, ledger=ledger)


async def fetch_short_link(link: ShortLink, *, ledger: bool = False) -> Invitation:
    url = link.url
    async with aiohttp.ClientSession(timeout=FETCH_TIMEOUT) as session:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                async with session.get(
                    url, allow_redirects=False, headers={"Accept": "application/json"}
                ) as response:
                    if response.status in REDIRECTS and "Location" in response.headers:
                        url = _redirect(link, url, response.headers["Location"])
                        following = parse_invitation(url, ledger=ledger)
                        if isinstance(following, Invitation):
                            return following
                        continue
                    if response.status != 200:
                        why = f"it answered HTTP {response.status}"
                        failing = response.status >= 500
                        raise _failed(link, why, "unreachable" if failing else "not_found")
                    body = await response.content.read(MAX_INVITATION_BYTES + 1)
            except (aiohttp.ClientError, TimeoutError) as error:
                raise _failed(link, _describe(error), "unreachable") from None
            except ValueError as error:  # yarl's word for an address it cannot read
                raise _failed(link, f"not a valid address ({error})", "not_invitation") from None
            check_size(body)
            parsed = parse_invitation(body.decode("utf-8", "replace"), ledger=ledger)
            if isinstance(parsed, ShortLink):
                raise _failed(link, "it answered with another link", "not_invitation")
            return parsed
    raise _failed(link, f"it redirects more than {MAX_REDIRECTS} times", "not_invitation")


def _redirect(link: ShortLink, url: str, location: str) -> str:
    """Where a redirect leads: an http(s) address, else the link failed."""
    try:
        target = urljoin(url, location)
        scheme = urlsplit(target).scheme
    except ValueError:
        raise _failed(link, "it redirects to an invalid address", "not_invitation") from None
    if scheme not in ("http", "https"):
        raise _failed(link, "it redirects to a non-http address", "not_invitation")
    return target


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return f"it did not answer within {FETCH_TIMEOUT.total:g} s"
    return f"it could not be reached ({type(error).__name__}: {error})"


def _failed(link: ShortLink, why: str, reason: str) -> InvitationError:
    return InvitationError("short_link_failed", f"{link.url}: {why}", reason)
