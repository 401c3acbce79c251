"""Our top-level package names (agent, wallet, ...) must not collide with a dependency's."""

from __future__ import annotations

from importlib import metadata

OUR_PACKAGES = {"agent", "wallet", "protocols", "ui", "config", "demo"}


def _top_level_names(dist: metadata.Distribution) -> set[str]:
    names = set((dist.read_text("top_level.txt") or "").split())
    for file in dist.files or ():
        parts = file.parts
        if len(parts) > 1 and not parts[0].endswith((".dist-info", ".data", "..")):
            names.add(parts[0])
        elif len(parts) == 1 and parts[0].endswith(".py"):
            names.add(parts[0][:-3])
    return names


def test_no_installed_dependency_ships_our_top_level_names() -> None:
    clashes = {
        (dist.metadata["Name"], name)
        for dist in metadata.distributions()
        if dist.metadata["Name"] != "learner-wallet"
        for name in _top_level_names(dist) & OUR_PACKAGES
    }
    assert clashes == set(), f"installed distributions ship our package names: {clashes}"


def test_distributions_were_inspected() -> None:
    """Guard the test above against passing because it saw nothing."""
    acapy = metadata.distribution("acapy-agent")
    assert "acapy_agent" in _top_level_names(acapy)
