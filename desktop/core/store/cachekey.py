"""Names for cached copies that a case folder from someone else cannot forge.

The JPEG and QR copies a report reuses, and the window's thumbnails, live in the case's
derived/cache/. A copy planted there under the expected name would be shown as if it were made
from the original. So each name is an HMAC of what it was made from, keyed by a secret of this
user kept outside any case; whoever hands over a case does not know it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

KEY_FILE = "cache-key"
_lock = threading.Lock()
_key: bytes | None = None


def _key_folder() -> Path:
    override = os.environ.get("EVIDENCE_RECORDER_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("evidence-recorder", appauthor=False))


def _load_or_make_key() -> bytes:
    """This user's key, made on first use; a key for this process alone if it cannot be kept."""
    path = _key_folder() / KEY_FILE
    with contextlib.suppress(OSError, ValueError):
        key = bytes.fromhex(path.read_text("ascii").strip())
        if len(key) == 32:
            return key
    key = secrets.token_bytes(32)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key.hex() + "\n")
    with contextlib.suppress(OSError, ValueError):  # another process may have won the race
        kept = bytes.fromhex(path.read_text("ascii").strip())
        if len(kept) == 32:
            return kept
    return key


def cache_name(*parts: str) -> str:
    """A file name (hex) for a cached copy made from `parts`, unguessable without the key."""
    global _key
    with _lock:
        if _key is None:
            _key = _load_or_make_key()
        key = _key
    message = "\x00".join(parts).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]
