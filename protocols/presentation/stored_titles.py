"""AnonCreds candidates named as the credential page names them (the schema's name).

ACA-Py's candidates carry only identifiers, and a did:web schema id holds no name, so the
engine could only say "AnonCreds credential"; the wallet's index knows the title it showed
when the credential arrived. W3C candidates keep their type's words (dif_items.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from protocols.consent import ConsentPrompt, PromptItem

MAX_LOOKUPS = 50  # per prompt; index reads are about 0.2 ms each

type TitleOf = Callable[[str], Awaitable[str | None]]


async def with_stored_titles(prompt: ConsentPrompt, title_of: TitleOf) -> ConsentPrompt:
    """The prompt with each AnonCreds candidate titled from `title_of(stored id)`."""
    wanted = list(
        dict.fromkeys(
            c.stored_id for i in prompt.items for c in i.candidates if c.format == "anoncreds"
        )
    )[:MAX_LOOKUPS]
    titles = {stored_id: title for stored_id in wanted if (title := await title_of(stored_id))}
    if not titles:
        return prompt
    items = [_titled(item, titles) for item in prompt.items]
    return prompt.model_copy(update={"items": items})


def _titled(item: PromptItem, titles: dict[str, str]) -> PromptItem:
    candidates = [
        c.model_copy(update={"title": titles[c.stored_id]}) if c.stored_id in titles else c
        for c in item.candidates
    ]
    return item.model_copy(update={"candidates": candidates})
