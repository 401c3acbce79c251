"""Plugin settings, from ACA-Py's plugin config first and the environment second.

ACA-Py: `--plugin-config-value didweb_anoncreds.publish_dir=/srv/web/anoncreds` (or the
same keys under `didweb_anoncreds:` in a `--plugin-config` YAML file).
Environment: `LEARNER_WALLET_DIDWEB_<KEY>` with KEY upper-cased, e.g.
`LEARNER_WALLET_DIDWEB_PUBLISH_DIR`. Keys:

- publish_dir: directory the issuer's web host serves at its `#anoncreds` endpoint;
  without it the plugin resolves but refuses to register.
- allow_http: accept http:// DID documents and endpoints; false unless set, for tests only.
- ca_file: PEM bundle to verify https with instead of the system one (SSL_CERT_FILE).
- max_bytes: largest answer accepted (default 1 MiB).
- timeout: seconds for one HTTP request (default 10).
- cache_ttl: seconds resolved objects and DID documents are kept (default 300).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PLUGIN_NAME = "didweb_anoncreds"
ENV_PREFIX = "LEARNER_WALLET_DIDWEB_"
MIB = 1024 * 1024
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingsError(ValueError):
    """A plugin setting has a value that cannot be used."""


@dataclass(frozen=True)
class DidWebSettings:
    """What the resolver and registrar need to know; safe defaults for production."""

    publish_dir: Path | None = None
    allow_http: bool = False
    ca_file: str | None = None
    max_bytes: int = MIB
    timeout: float = 10.0
    cache_ttl: float = 300.0

    @classmethod
    def from_sources(
        cls, plugin_config: Mapping[str, Any] | None, environ: Mapping[str, str] | None = None
    ) -> DidWebSettings:
        """Merge the plugin config (wins) over LEARNER_WALLET_DIDWEB_* variables."""
        env = os.environ if environ is None else environ
        config = dict(plugin_config or {})

        def pick(key: str) -> Any:
            if key in config and config[key] is not None:
                return config[key]
            return env.get(ENV_PREFIX + key.upper())

        publish_dir = pick("publish_dir")
        ca_file = pick("ca_file")
        return cls(
            publish_dir=Path(str(publish_dir)) if publish_dir else None,
            allow_http=_as_bool("allow_http", pick("allow_http")),
            ca_file=str(ca_file) if ca_file else None,
            max_bytes=_as_positive("max_bytes", pick("max_bytes"), MIB, int),
            timeout=_as_positive("timeout", pick("timeout"), 10.0, float),
            cache_ttl=_as_positive("cache_ttl", pick("cache_ttl"), 300.0, float, allow_zero=True),
        )


def _as_bool(key: str, value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SettingsError(f"{PLUGIN_NAME}.{key} must be true or false, not {value!r}")


def _as_positive[T: (int, float)](
    key: str, value: Any, default: T, kind: type[T], allow_zero: bool = False
) -> T:
    if value is None or value == "":
        return default
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{PLUGIN_NAME}.{key} must be a number, not {value!r}") from None
    if number < 0 or (number == 0 and not allow_zero):
        raise SettingsError(f"{PLUGIN_NAME}.{key} must be positive, not {value!r}")
    return number
