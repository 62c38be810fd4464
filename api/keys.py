"""API keys: `itg_<prefix>_<secret>`. Only the prefix and the secret's SHA-256 are stored."""

import hashlib
import hmac
import secrets

KEY_PREFIX = "itg"


def key_generate() -> tuple[str, str, str]:
    """Return (key, prefix, sha256 of the secret)."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"{KEY_PREFIX}_{prefix}_{secret}", prefix, key_hash(secret)


def key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def key_split(key: str) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed key, else None."""
    parts = (key or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2] or len(parts[1]) > 16:
        return None
    return parts[1], parts[2]


def key_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(key_hash(secret), stored_hash)
