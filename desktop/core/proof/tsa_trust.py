"""Which timestamp authorities a person trusts: the system's roots (or certifi), plus root files."""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import ssl
import subprocess
import sys
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.errors import UsageError
from desktop.core.i18n import tr

if TYPE_CHECKING:
    from cryptography import x509

log = logging.getLogger(__name__)

# Longest chain tried from the authority's certificate up to a root (real TSAs use 2 or 3).
MAX_CHAIN = 8
MAX_ROOT_FILE_BYTES = 16 << 20
_PEM = re.compile(rb"-----BEGIN CERTIFICATE-----\s.*?-----END CERTIFICATE-----", re.DOTALL)
_MACOS_KEYCHAINS = (
    "/System/Library/Keychains/SystemRootCertificates.keychain",
    "/Library/Keychains/System.keychain",
)
_TIME_STAMPING_OID = "1.3.6.1.5.5.7.3.8"


@dataclass(frozen=True)
class TrustRoots:
    """Root certificates a timestamp authority's certificate must chain to; where they came from."""

    certificates: tuple[x509.Certificate, ...]
    sources: tuple[str, ...]


def fingerprint(certificate: x509.Certificate) -> str:
    """The SHA-256 of the certificate's DER bytes in hex (`openssl x509 -fingerprint -sha256`)."""
    from cryptography.hazmat.primitives.serialization import Encoding

    return hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()


def certificates_in(data: bytes) -> list[x509.Certificate]:
    """Every certificate in PEM text, or the one DER certificate; unreadable ones are skipped."""
    from cryptography import x509

    found: list[x509.Certificate] = []
    blocks = _PEM.findall(data)
    if not blocks:
        try:
            return [x509.load_der_x509_certificate(data)]
        except ValueError:
            return []
    with warnings.catch_warnings():  # old roots with odd serial numbers still load
        warnings.simplefilter("ignore")
        for block in blocks:
            try:
                found.append(x509.load_pem_x509_certificate(block))
            except ValueError as error:  # one odd entry of a system bundle must not hide the rest
                log.debug("skipped an unreadable certificate: %s", error)
    return found


def load_root_file(path: Path) -> list[x509.Certificate]:
    """The certificates of a PEM or DER root file the person named; UsageError if there is none."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_ROOT_FILE_BYTES + 1)
    except OSError as error:
        raise UsageError(
            tr(
                "The root certificate file {path} cannot be read ({reason}). Give the file of "
                "the timestamp authority's root certificate (PEM or DER).",
                path=path,
                reason=error.strerror or error,
            )
        ) from error
    certificates = [] if len(data) > MAX_ROOT_FILE_BYTES else certificates_in(data)
    if not certificates:
        raise UsageError(
            tr(
                "The file {path} holds no certificate. Give the timestamp authority's root "
                "certificate as a PEM (-----BEGIN CERTIFICATE-----) or DER file.",
                path=path,
            )
        )
    return certificates


@functools.cache
def system_roots() -> tuple[tuple[x509.Certificate, ...], str]:
    """The operating system's trusted roots, or certifi's when the system offers none."""
    found: list[x509.Certificate] = []
    source = "system"
    try:
        found = _platform_roots()
    except (OSError, ssl.SSLError, subprocess.SubprocessError) as error:
        log.warning("the system's root certificates cannot be read: %s", error)
    if not found:
        source = "certifi"
        try:
            import certifi

            found = certificates_in(Path(certifi.where()).read_bytes())
        except (ImportError, OSError) as error:
            log.warning("certifi's root certificates cannot be read: %s", error)
            source = "none"
    return tuple(found), source


def _platform_roots(platform: str = sys.platform) -> list[x509.Certificate]:
    from cryptography import x509

    if platform == "win32":
        roots: list[x509.Certificate] = []
        for der, encoding, trust in ssl.enum_certificates("ROOT"):  # type: ignore[attr-defined]
            # `trust` is True (every purpose) or the set of purposes Windows trusts it for.
            if encoding == "x509_asn" and (trust is True or _TIME_STAMPING_OID in trust):
                try:
                    roots.append(x509.load_der_x509_certificate(der))
                except ValueError:
                    continue
        return roots
    if platform == "darwin":
        keychains = [k for k in _MACOS_KEYCHAINS if Path(k).exists()]
        done = subprocess.run(
            ["/usr/bin/security", "find-certificate", "-a", "-p", *keychains],
            capture_output=True,
            timeout=30,
            check=False,
        )
        return certificates_in(done.stdout)
    paths = ssl.get_default_verify_paths()
    if paths.cafile:
        return certificates_in(Path(paths.cafile).read_bytes())
    roots = []
    if paths.capath and Path(paths.capath).is_dir():
        for entry in sorted(Path(paths.capath).iterdir()):
            if entry.is_file() and entry.stat().st_size <= MAX_ROOT_FILE_BYTES:
                roots.extend(certificates_in(entry.read_bytes()))
    return roots


def trust_roots(extra_files: Iterable[Path] = (), *, system: bool = True) -> TrustRoots:
    """The system's roots (unless `system` is False) plus every root in `extra_files`."""
    certificates: list[x509.Certificate] = []
    sources: list[str] = []
    if system:
        found, source = system_roots()
        certificates.extend(found)
        sources.append(source)
    for path in extra_files:
        certificates.extend(load_root_file(Path(path)))
        sources.append(str(path))
    return TrustRoots(tuple(certificates), tuple(sources))


def chain_to_root(
    leaf: x509.Certificate,
    others: Sequence[x509.Certificate],
    roots: TrustRoots,
    at: datetime,
) -> x509.Certificate | None:
    """The trusted root that `leaf` chains to at time `at`, through `others`; None if none does.

    Each link is checked with verify_directly_issued_by; every certificate on the way must be
    valid at `at`, every issuer a CA (basicConstraints, path length, keyCertSign), and the
    leaf marked for timestamping alone, critically (RFC 3161 2.3; what openssl ts requires).
    A leaf the person trusts itself (its own file given as a root) is its own root.
    """
    if not _valid_at(leaf, at) or not _timestamping_only(leaf):
        return None
    leaf_print = fingerprint(leaf)
    for root in roots.certificates:
        if fingerprint(root) == leaf_print:
            return root
    return _find_root(leaf, list(others), roots.certificates, at, 0, {leaf_print})


def _find_root(
    child: x509.Certificate,
    pool: list[x509.Certificate],
    roots: Sequence[x509.Certificate],
    at: datetime,
    below: int,
    seen: set[str],
) -> x509.Certificate | None:
    # `below`: CA certificates between `child`'s issuer and the leaf (the path-length count).
    for root in roots:
        if root.subject == child.issuer and _issued(child, root, at, below):
            return root
    if below + 1 >= MAX_CHAIN:
        return None
    for candidate in pool:
        mark = fingerprint(candidate)
        if mark in seen or candidate.subject != child.issuer:
            continue
        if _issued(child, candidate, at, below):
            found = _find_root(candidate, pool, roots, at, below + 1, seen | {mark})
            if found is not None:
                return found
    return None


def _issued(child: x509.Certificate, issuer: x509.Certificate, at: datetime, below: int) -> bool:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

    if not _valid_at(issuer, at):
        return False
    try:
        constraints = issuer.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    except ValueError:  # a malformed extension
        return False
    if not constraints.ca:
        return False
    if constraints.path_length is not None and below > constraints.path_length:
        return False
    try:
        usage = issuer.extensions.get_extension_for_class(x509.KeyUsage).value
        if not usage.key_cert_sign:
            return False
    except x509.ExtensionNotFound:
        pass
    except ValueError:
        return False
    try:
        child.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def _timestamping_only(certificate: x509.Certificate) -> bool:
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except (x509.ExtensionNotFound, ValueError):
        return False
    return usage.critical and list(usage.value) == [ExtendedKeyUsageOID.TIME_STAMPING]


def _valid_at(certificate: x509.Certificate, at: datetime) -> bool:
    return certificate.not_valid_before_utc <= at <= certificate.not_valid_after_utc


def root_name(certificate: x509.Certificate) -> str:
    """A root's name for people: its common name, else its whole subject."""
    from cryptography.x509.oid import NameOID

    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if names:
        return str(names[0].value)
    return certificate.subject.rfc4514_string()
