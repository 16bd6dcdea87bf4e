"""Optional trusted time: RFC 3161 tokens from a timestamp authority over the log's last hash."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import secrets
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import desktop
from desktop.core.errors import EvidenceError, UsageError
from desktop.core.i18n import tr
from desktop.core.proof.safepath import UnsafePathError, read_inside, resolve_inside
from desktop.core.proof.tsa_trust import TrustRoots
from desktop.core.store.case import DERIVED, CaseWriter
from desktop.core.store.durable import os_error_to_evidence, write_new_file
from desktop.core.store.log import Event, record_hash
from desktop.vocab import EventType

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.hashes import HashAlgorithm
    from cryptography.x509 import Certificate

    from desktop.core.proof.verify import Finding

EVENT_TYPE = EventType.TIMESTAMP
TOKEN_KIND = "rfc3161"
IMPRINT_ALGORITHM = "sha256"
QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
MAX_REPLY_BYTES = 1 << 20
# Digests accepted for a token's signature (asn1crypto and hashlib share these names); MD5 and
# SHA-1 are refused because colliding inputs can be made for them.
DIGESTS = frozenset({"sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_384", "sha3_512"})


class TimestampError(EvidenceError):
    """A trusted timestamp could not be obtained; nothing was logged."""


class TimestampUnreachableError(TimestampError):
    """The timestamp authority could not be reached (no network, wrong address, timeout)."""


class TimestampHTTPError(TimestampError):
    """The timestamp authority answered with an HTTP error status."""


class TimestampRejectedError(TimestampError):
    """The timestamp authority refused the request (an RFC 3161 status other than granted)."""


class TimestampTokenError(TimestampError):
    """The reply holds no token, or a token that does not check out against the request."""


class TokenProblem(Exception):
    """Internal: why a token does not check out; str() is a translated sentence fragment."""


@dataclass(frozen=True)
class TokenFacts:
    """What a token whose signature verified says."""

    gen_time: str
    serial: str
    policy: str
    nonce: int | None
    imprint_algorithm: str
    imprint: bytes
    tsa_name: str
    certificate_sha256: str
    accuracy_seconds: str | None
    # DER of the signer's certificate and of the other certificates the token carries (the
    # intermediates a chain to a trusted root is built from).
    certificate_der: bytes = b""
    other_certificates_der: tuple[bytes, ...] = ()


def imprint_of(event: Event) -> bytes:
    """The messageImprint.hashedMessage (SHA-256) that timestamps `event` and the chain before it.

    It is the 32 bytes of the event's hex `hash` field, which is itself the SHA-256 of the
    canonical JSON of the log record without that field: so the timestamped data is the log
    record, and `openssl ts -verify -digest <hash>` checks a token without this program.
    """
    try:
        raw = bytes.fromhex(event.hash)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise UsageError(
            tr(
                "Log event #{seq} has no valid SHA-256 hash; run evidence-recorder verify on "
                "the case folder.",
                seq=event.seq,
            )
        )
    return raw


# -- requesting --------------------------------------------------------------------------


def request_timestamp(writer: CaseWriter, tsa_url: str, *, timeout: float = 20.0) -> Event:
    """Have the timestamp authority at `tsa_url` sign the log's last hash; log the token.

    The case lock is not held during the network request, so other writers are not blocked;
    the token covers the event that was last when the request was built.
    """
    url = _check_url(tsa_url)
    with writer.transaction() as tx:  # catch up with lines other processes appended
        covered = tx.last
    if covered is None:
        raise UsageError(tr("The case log is empty; there is nothing to timestamp."))
    imprint = imprint_of(covered)
    nonce = secrets.randbits(64)
    query = _build_query(imprint, nonce)
    reply = _post(url, query, timeout)
    token = _token_from_reply(reply, url)
    try:
        facts = check_token(token)
        _check_matches_request(facts, imprint, nonce)
    except TokenProblem as problem:
        raise TimestampTokenError(
            tr(
                "The timestamp authority {url} sent a token that does not check out: "
                "{reason}. Nothing was logged. Try again, or use another timestamp authority.",
                url=_public_url(url),
                reason=problem,
            )
        ) from problem
    return _log_token(writer, covered, token, facts, url)


def _check_url(tsa_url: str) -> str:
    url = tsa_url.strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageError(
            tr(
                'The timestamp authority address "{url}" is not an http:// or https:// '
                "address. Give the URL your timestamp authority publishes, such as "
                "https://tsa.example.org/tsr",
                url=tsa_url,
            )
        )
    return url


def _public_url(url: str) -> str:
    """The URL without user name or password, for messages and the log."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _build_query(imprint: bytes, nonce: int) -> bytes:
    from asn1crypto import tsp

    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": IMPRINT_ALGORITHM},
                "hashed_message": imprint,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    )
    return bytes(request.dump())


def _post(url: str, query: bytes, timeout: float) -> bytes:
    import urllib.error
    import urllib.request
    from http.client import HTTPException

    request = urllib.request.Request(
        url,
        data=query,
        method="POST",
        headers={
            "Content-Type": QUERY_TYPE,
            "Accept": REPLY_TYPE,
            "User-Agent": f"{desktop.APP_ID}/{desktop.__version__}",
        },
    )
    shown = _public_url(url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body: bytes = response.read(MAX_REPLY_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise TimestampHTTPError(
            tr(
                "The timestamp authority {url} answered HTTP {status} ({reason}). Check the "
                "address, or try again later. Nothing was logged.",
                url=shown,
                status=error.code,
                reason=error.reason,
            )
        ) from error
    except urllib.error.URLError as error:
        raise _unreachable(shown, error.reason) from error
    except (OSError, HTTPException) as error:  # timeouts, resets, malformed HTTP
        raise _unreachable(shown, error) from error
    except ValueError as error:  # a URL urllib cannot use (bad port, ...)
        raise UsageError(
            tr(
                'The timestamp authority address "{url}" cannot be used: {reason}.',
                url=shown,
                reason=error,
            )
        ) from error
    if len(body) > MAX_REPLY_BYTES:
        raise TimestampTokenError(
            tr(
                "The timestamp authority {url} sent more than {size} bytes, which is not a "
                "timestamp reply. Check the address. Nothing was logged.",
                url=shown,
                size=MAX_REPLY_BYTES,
            )
        )
    return body


def _unreachable(url: str, reason: object) -> TimestampUnreachableError:
    return TimestampUnreachableError(
        tr(
            "Cannot reach the timestamp authority {url} ({reason}). Check the network "
            "connection and the address, then try again. Nothing was logged.",
            url=url,
            reason=reason,
        )
    )


def _token_from_reply(reply: bytes, url: str) -> bytes:
    """The DER TimeStampToken of a granted TimeStampResp, or a typed error."""
    from asn1crypto import cms, core, tsp

    shown = _public_url(url)
    try:
        # Read generically: a refusal carries a status and no token, which the strict
        # asn1crypto TimeStampResp spec (token required) cannot load.
        outer = core.Sequence.load(reply, strict=True)
        if len(outer) not in (1, 2):
            raise ValueError("a TimeStampResp has one or two fields")
        status_info = tsp.PKIStatusInfo.load(outer[0].dump())
        status = status_info["status"].native
        token = cms.ContentInfo.load(outer[1].dump()) if len(outer) == 2 else None
    except (ValueError, TypeError, KeyError) as error:
        raise TimestampTokenError(
            tr(
                "The reply of {url} is not an RFC 3161 timestamp reply. Check that the "
                "address is a timestamp authority (not a web page). Nothing was logged.",
                url=shown,
            )
        ) from error
    if status not in ("granted", "granted_with_mods"):
        raise TimestampRejectedError(
            tr(
                "The timestamp authority {url} refused the request (status: {status}; "
                "{detail}). Try again later or use another timestamp authority. Nothing was "
                "logged.",
                url=shown,
                status=status,
                detail=_status_detail(status_info),
            )
        )
    if token is None:
        raise TimestampTokenError(
            tr(
                "The timestamp authority {url} granted the request but sent no token. Try "
                "again, or use another timestamp authority. Nothing was logged.",
                url=shown,
            )
        )
    return bytes(token.dump())


def _status_detail(status_info: Any) -> str:
    parts: list[str] = []
    try:
        texts = status_info["status_string"].native
        if texts:
            parts.extend(str(text) for text in texts)
        failure = status_info["fail_info"].native
        if failure:
            parts.append(", ".join(sorted(str(flag) for flag in failure)))
    except (ValueError, TypeError, KeyError):
        pass
    return "; ".join(parts) or tr("no reason given")


def _check_matches_request(facts: TokenFacts, imprint: bytes, nonce: int) -> None:
    if facts.imprint_algorithm != IMPRINT_ALGORITHM or facts.imprint != imprint:
        raise TokenProblem(tr("it is for other data than the log hash that was sent"))
    if facts.nonce != nonce:
        raise TokenProblem(tr("its nonce differs from the request's (it may be a replayed answer)"))


def _log_token(
    writer: CaseWriter, covered: Event, token: bytes, facts: TokenFacts, url: str
) -> Event:
    derived = resolve_inside(writer.folder, DERIVED)  # never a token written through a link
    try:
        derived.mkdir(exist_ok=True)
    except OSError as error:
        raise os_error_to_evidence(error, writer.folder) from error
    written: Path | None = None
    committed = False

    def mark_committed() -> None:
        nonlocal committed
        committed = True

    try:
        with writer.transaction() as tx:
            written = _write_token(derived, covered.seq, token)
            data: dict[str, Any] = {
                "files": [
                    {
                        "path": f"{DERIVED}/{written.name}",
                        "sha256": hashlib.sha256(token).hexdigest(),
                        "size": len(token),
                        "kind": TOKEN_KIND,
                    }
                ],
                "covers_seq": covered.seq,
                "covers_hash": covered.hash,
                "imprint_algorithm": IMPRINT_ALGORITHM,
                "tsa_url": _public_url(url),
                "gen_time": facts.gen_time,
                "serial": facts.serial,
                "policy": facts.policy,
                "tsa_name": facts.tsa_name,
                "nonce": None if facts.nonce is None else str(facts.nonce),
                "accuracy_seconds": facts.accuracy_seconds,
                "tsa_certificate_sha256": facts.certificate_sha256,
            }
            event = tx.add(EVENT_TYPE, data, writer.state.active_journey)
            tx.after_commit(mark_committed)
    except BaseException:
        if written is not None and not committed:  # never logged: not part of the evidence
            with contextlib.suppress(OSError):
                os.chmod(written, 0o644)
                written.unlink()
        raise
    return event


def _write_token(derived: Path, seq: int, token: bytes) -> Path:
    """A new write-once file for the token; a suffix only if the plain name is taken."""
    for attempt in range(1, 1000):
        name = f"timestamp-{seq}.tsr" if attempt == 1 else f"timestamp-{seq}-{attempt}.tsr"
        path = derived / name
        if path.exists():
            continue
        try:
            write_new_file(path, token)
        except FileExistsError:
            continue
        return path
    raise EvidenceError(
        tr(
            "Too many timestamp files for event #{seq} in {folder}. Add a note, then ask for "
            "the timestamp again.",
            seq=seq,
            folder=derived,
        )
    )


# -- checking a token --------------------------------------------------------------------


def check_token(token: bytes) -> TokenFacts:
    """Parse a DER TimeStampToken and verify its CMS signature with the certificate it carries.

    Raises TokenProblem naming the first thing that is wrong. Whether the certificate chains
    to a root the person trusts is trusted_root()'s question, not this one's.
    """
    from asn1crypto import cms, tsp

    try:
        content_info = cms.ContentInfo.load(token, strict=True)
        if content_info["content_type"].native != "signed_data":
            raise TokenProblem(tr("it is not CMS SignedData"))
        signed = content_info["content"]
        encap = signed["encap_content_info"]
        if encap["content_type"].native != "tst_info":
            raise TokenProblem(tr("it does not hold timestamp information (TSTInfo)"))
        tst_der = bytes(encap["content"])
        tst = tsp.TSTInfo.load(tst_der, strict=True)
        if tst.native["version"] != "v1":  # .native parses every field: damage shows here
            raise TokenProblem(tr("its timestamp information has an unknown version"))
        signer_infos = list(signed["signer_infos"])
        certificates = [
            choice.chosen
            for choice in (signed["certificates"] or [])
            if choice.name == "certificate"
        ]
    except TokenProblem:
        raise
    except (ValueError, TypeError, KeyError) as error:
        raise TokenProblem(tr("it cannot be read ({reason})", reason=error)) from error
    if len(signer_infos) != 1:
        raise TokenProblem(tr("it has {count} signatures instead of one", count=len(signer_infos)))
    signer = signer_infos[0]
    certificate = _signer_certificate(signer, certificates)
    _verify_signer(signer, certificate, tst_der)
    facts = _facts(tst, certificate)
    others = tuple(bytes(c.dump()) for c in certificates if c is not certificate)
    return dataclasses.replace(facts, other_certificates_der=others)


def _signer_certificate(signer: Any, certificates: list[Any]) -> Any:
    sid = signer["sid"]
    for certificate in certificates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                certificate.issuer == wanted["issuer"]
                and certificate.serial_number == wanted["serial_number"].native
            ):
                return certificate
        elif sid.name == "subject_key_identifier" and (
            certificate.key_identifier == sid.chosen.native
        ):
            return certificate
    raise TokenProblem(tr("it does not carry the certificate of the key that signed it"))


def _accepted_digest(name: str) -> str:
    if name not in DIGESTS:
        raise TokenProblem(tr("it uses the digest {name}, which is not accepted", name=name))
    return name


def _hash_algorithm(name: str) -> HashAlgorithm:
    from cryptography.hazmat.primitives import hashes

    classes: dict[str, type[HashAlgorithm]] = {
        "sha224": hashes.SHA224,
        "sha256": hashes.SHA256,
        "sha384": hashes.SHA384,
        "sha512": hashes.SHA512,
        "sha3_256": hashes.SHA3_256,
        "sha3_384": hashes.SHA3_384,
        "sha3_512": hashes.SHA3_512,
    }
    return classes[_accepted_digest(name)]()


def _verify_signer(signer: Any, certificate: Any, tst_der: bytes) -> None:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

    digest = _accepted_digest(str(signer["digest_algorithm"]["algorithm"].native))
    signed_attrs = signer["signed_attrs"]
    if signed_attrs.native is None or not len(signed_attrs):
        raise TokenProblem(tr("its signature has no signed attributes"))
    attributes: dict[str, list[Any]] = {}
    for attribute in signed_attrs:
        attributes.setdefault(str(attribute["type"].native), []).extend(attribute["values"])
    content_types = attributes.get("content_type", [])
    if len(content_types) != 1 or content_types[0].native != "tst_info":
        raise TokenProblem(tr("its signed content type is not timestamp information"))
    digests = attributes.get("message_digest", [])
    if len(digests) != 1 or bytes(digests[0].native) != hashlib.new(digest, tst_der).digest():
        raise TokenProblem(
            tr("its timestamp information was changed after signing (message digest differs)")
        )
    cert_der = bytes(certificate.dump())
    _check_signing_certificate_attribute(attributes, cert_der)
    raw = bytes(signed_attrs.dump())
    if not raw or raw[0] != 0xA0:
        raise TokenProblem(tr("its signed attributes cannot be read"))
    to_verify = b"\x31" + raw[1:]  # signed over the universal SET OF tag, not [0]
    try:
        public_key = x509.load_der_x509_certificate(cert_der).public_key()
        _verify_signature(public_key, signer, digest, bytes(signer["signature"].native), to_verify)
    except InvalidSignature as error:
        raise TokenProblem(
            tr("its signature does not verify with the certificate it carries")
        ) from error
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise TokenProblem(
            tr("its signature cannot be checked ({reason})", reason=error)
        ) from error


def _check_signing_certificate_attribute(attributes: dict[str, list[Any]], cert_der: bytes) -> None:
    """The ESS signing-certificate attribute, when present, must name the signer's certificate."""
    for name, default in (("signing_certificate_v2", "sha256"), ("signing_certificate", "sha1")):
        for value in attributes.get(name, []):
            certs = value["certs"]
            if not len(certs):
                continue
            first = certs[0]
            algorithm = default
            if name == "signing_certificate_v2":
                algorithm = str(first["hash_algorithm"]["algorithm"].native)
            try:
                expected = hashlib.new(algorithm, cert_der).digest()
            except ValueError:
                continue
            if bytes(first["cert_hash"].native) != expected:
                raise TokenProblem(
                    tr("its signed attributes name another certificate than the one it carries")
                )


def _verify_signature(
    public_key: Any, signer: Any, digest: str, signature: bytes, data: bytes
) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa

    algorithm = signer["signature_algorithm"]
    kind = str(algorithm.signature_algo)
    if kind in ("ed25519", "ed448"):
        if not isinstance(public_key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            raise TokenProblem(tr("its signature algorithm does not match the certificate's key"))
        public_key.verify(signature, data)
        return
    try:
        named = str(algorithm.hash_algo)
    except ValueError:  # plain rsaEncryption / ecPublicKey: the digest algorithm decides
        named = digest
    hash_algorithm = _hash_algorithm(named)
    if kind == "rsassa_pkcs1v15" and isinstance(public_key, rsa.RSAPublicKey):
        public_key.verify(signature, data, padding.PKCS1v15(), hash_algorithm)
    elif kind == "rsassa_pss" and isinstance(public_key, rsa.RSAPublicKey):
        salt = int(algorithm["parameters"]["salt_length"].native)
        pss = padding.PSS(mgf=padding.MGF1(hash_algorithm), salt_length=salt)
        public_key.verify(signature, data, pss, hash_algorithm)
    elif kind == "ecdsa" and isinstance(public_key, ec.EllipticCurvePublicKey):
        public_key.verify(signature, data, ec.ECDSA(hash_algorithm))
    else:
        raise TokenProblem(tr("its signature algorithm {name} is not supported", name=kind))


def _facts(tst: Any, certificate: Any) -> TokenFacts:
    from cryptography import x509

    cert_der = bytes(certificate.dump())
    gen_time = tst["gen_time"].native
    if not isinstance(gen_time, datetime) or gen_time.tzinfo is None:
        raise TokenProblem(tr("its time cannot be read"))
    parsed = x509.load_der_x509_certificate(cert_der)
    if not parsed.not_valid_before_utc <= gen_time <= parsed.not_valid_after_utc:
        raise TokenProblem(
            tr("its time lies outside the validity of the certificate that signed it")
        )
    if not _allows_timestamping(parsed):
        raise TokenProblem(tr("the certificate that signed it is not for timestamping"))
    imprint = tst["message_imprint"]
    nonce = tst["nonce"].native
    return TokenFacts(
        gen_time=iso_utc(gen_time),
        serial=str(tst["serial_number"].native),
        policy=str(tst["policy"].native),
        nonce=None if nonce is None else int(nonce),
        imprint_algorithm=str(imprint["hash_algorithm"]["algorithm"].native),
        imprint=bytes(imprint["hashed_message"].native),
        tsa_name=_tsa_name(tst, certificate),
        certificate_sha256=hashlib.sha256(cert_der).hexdigest(),
        accuracy_seconds=_accuracy(tst),
        certificate_der=cert_der,
    )


def _allows_timestamping(certificate: Any) -> bool:
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        return False
    return ExtendedKeyUsageOID.TIME_STAMPING in usage.value


def _tsa_name(tst: Any, certificate: Any) -> str:
    """The authority's name; when the token names it, the certificate must bear that name."""
    tsa = tst["tsa"]
    if tsa.native is None:
        return str(certificate.subject.human_friendly)
    names = [certificate.subject] if tsa.name == "directory_name" else []
    alternative = certificate.subject_alt_name_value
    if alternative is not None:
        names.extend(name.chosen for name in alternative if name.name == tsa.name)
    if not any(name == tsa.chosen for name in names):
        raise TokenProblem(tr("it names another authority than the certificate that signed it"))
    if tsa.name == "directory_name":
        return str(tsa.chosen.human_friendly)
    return str(tsa.chosen.native)


def _accuracy(tst: Any) -> str | None:
    accuracy = tst["accuracy"].native
    if not accuracy:
        return None
    seconds = (accuracy.get("seconds") or 0) + (accuracy.get("millis") or 0) / 1000
    seconds += (accuracy.get("micros") or 0) / 1_000_000
    return f"{seconds:g}"


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, keeping fractions of a second only when there are any."""
    moment = moment.astimezone(UTC)
    spec = "microseconds" if moment.microsecond else "seconds"
    return moment.isoformat(timespec=spec).replace("+00:00", "Z")


# -- verifying a case offline ------------------------------------------------------------

# How far the authority's time may lie from this computer's clock before verify warns: from
# the clock of the event that logged the token (either way), and before the events it covers.
CLOCK_TOLERANCE_SECONDS = 600
_NO_ROOTS = TrustRoots((), ())


@dataclass(frozen=True)
class TimestampCheck:
    """The offline check of a case's timestamps: problems, and what the valid tokens prove."""

    findings: list[Finding]
    proven: list[dict[str, Any]]


def check_timestamps(
    folder: Path,
    events: list[Event],
    roots: TrustRoots | None = None,
    *,
    case_created: str | None = None,
) -> TimestampCheck:
    """Check every timestamp event offline; describe (describe_timestamp) each one that holds.

    A token whose signature holds and that covers this log is described whether or not its
    authority is trusted; it is called trusted only when its certificate chains to one of
    `roots` (by default the system's roots, trust_roots()). `case_created` is case.json's
    created.utc, for the warning about a token dated before the case.
    """
    findings: list[Finding] = []
    proven: list[dict[str, Any]] = []
    by_seq: dict[int, Event] = {}
    for event in events:
        by_seq.setdefault(event.seq, event)
    starts = [t for t in (case_created, events[0].utc if events else None) if t]
    for event in events:
        if event.type != EVENT_TYPE:
            continue
        problems, facts = _verify_one(folder, event, by_seq)
        findings.extend(problems)
        if problems or facts is None:
            continue
        if roots is None:
            from desktop.core.proof.tsa_trust import trust_roots

            roots = trust_roots()
        root = trusted_root(facts, roots)
        covered = by_seq[int(event.data["covers_seq"])]
        warnings = clock_warnings(event, covered, facts.gen_time, starts)
        proven.append(describe_timestamp(event, root=root, warnings=warnings))
    return TimestampCheck(findings, proven)


def checked_timestamp(
    folder: Path, event: Event, roots: TrustRoots | None = None
) -> dict[str, Any]:
    """describe_timestamp() of a just-logged timestamp event, with its trust and clock checked."""
    from desktop.core.store.case import read_case_info
    from desktop.core.store.log import LOG_NAME, scan_log

    events = scan_log(folder / LOG_NAME, check=False).events
    created = read_case_info(folder).created.get("utc")
    for shown in check_timestamps(folder, events, roots, case_created=created).proven:
        if shown["seq"] == event.seq:
            return shown
    return describe_timestamp(event)  # not found again: never called trusted


def verify_timestamps(folder: Path, events: list[Event]) -> list[Finding]:
    """Check every timestamp event of a case offline; one Finding per problem found."""
    return check_timestamps(folder, events, _NO_ROOTS).findings


def trusted_root(facts: TokenFacts, roots: TrustRoots) -> Certificate | None:
    """The root of `roots` the token's signer chains to at the token's time, or None."""
    from cryptography import x509

    from desktop.core.proof.tsa_trust import chain_to_root

    leaf = x509.load_der_x509_certificate(facts.certificate_der)
    others = []
    for der in facts.other_certificates_der:
        with contextlib.suppress(ValueError):
            others.append(x509.load_der_x509_certificate(der))
    at = datetime.fromisoformat(facts.gen_time.replace("Z", "+00:00"))
    return chain_to_root(leaf, others, roots, at)


def clock_warnings(
    event: Event, covered: Event, gen_time: str, starts: list[str]
) -> list[dict[str, Any]]:
    """Where the authority's time and the log's clock disagree (kind, seconds, times)."""
    trusted = _parse_utc(gen_time)
    if trusted is None:
        return []
    warnings: list[dict[str, Any]] = []
    tolerance = CLOCK_TOLERANCE_SECONDS
    earliest = min((m for m in map(_parse_utc, starts) if m is not None), default=None)
    logged_covered = _parse_utc(covered.utc)
    if earliest is not None and (earliest - trusted).total_seconds() > tolerance:
        warnings.append(
            {
                "kind": "timestamp_before_case",
                "seconds": round((earliest - trusted).total_seconds()),
                "gen_time": gen_time,
                "logged": iso_utc(earliest),
                "covers_seq": covered.seq,
            }
        )
    elif logged_covered is not None and (logged_covered - trusted).total_seconds() > tolerance:
        warnings.append(
            {
                "kind": "timestamp_before_covered",
                "seconds": round((logged_covered - trusted).total_seconds()),
                "gen_time": gen_time,
                "logged": covered.utc,
                "covers_seq": covered.seq,
            }
        )
    logged = _parse_utc(event.utc)
    if logged is not None and abs((logged - trusted).total_seconds()) > tolerance:
        warnings.append(
            {
                "kind": "timestamp_clock_off",
                "seconds": round((logged - trusted).total_seconds()),
                "gen_time": gen_time,
                "logged": event.utc,
                "covers_seq": covered.seq,
            }
        )
    return warnings


def _parse_utc(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _verify_one(
    folder: Path, event: Event, by_seq: dict[int, Event]
) -> tuple[list[Finding], TokenFacts | None]:
    """The problems of one timestamp event, and the facts of its token when it verifies."""
    from desktop.core.proof.verify import Finding

    data = event.data
    entry = _token_entry(data)
    covers_seq = data.get("covers_seq")
    covers_hash = data.get("covers_hash")
    if entry is None or not isinstance(covers_seq, int) or not isinstance(covers_hash, str):
        return [
            Finding(
                "timestamp_invalid",
                f"seq {event.seq}",
                tr(
                    "seq {seq}: the timestamp event does not name its token file and the event "
                    "it covers",
                    seq=event.seq,
                ),
            )
        ], None
    where = str(entry["path"])
    token = _read_token(folder, entry)
    if token is None:
        return [
            Finding(
                "timestamp_invalid",
                where,
                tr(
                    "seq {seq}: the timestamp token is missing or differs from the one logged, "
                    "so the trusted time it gave cannot be shown",
                    seq=event.seq,
                ),
            )
        ], None
    try:
        facts = check_token(token)
    except TokenProblem as problem:
        return [
            Finding(
                "timestamp_invalid",
                where,
                tr(
                    "seq {seq}: the timestamp token does not verify: {reason}",
                    seq=event.seq,
                    reason=problem,
                ),
            )
        ], None
    problems: list[Finding] = []

    def mismatch(message: str) -> None:
        problems.append(Finding("timestamp_mismatch", where, message))

    covered = by_seq.get(covers_seq)
    if covered is None or covered.seq >= event.seq:
        mismatch(
            tr(
                "seq {seq}: the timestamp claims to cover event #{covered}, which is not an "
                "earlier event of this log",
                seq=event.seq,
                covered=covers_seq,
            )
        )
    elif covered.hash != covers_hash or record_hash(covered.to_record()) != covered.hash:
        mismatch(
            tr(
                "seq {seq}: event #{covered}, which the timestamp covers, differs from the "
                "event that was timestamped",
                seq=event.seq,
                covered=covers_seq,
            )
        )
    if facts.imprint_algorithm != IMPRINT_ALGORITHM or facts.imprint.hex() != covers_hash.lower():
        mismatch(
            tr(
                "seq {seq}: the timestamp token was issued for other data than event "
                "#{covered} of this log",
                seq=event.seq,
                covered=covers_seq,
            )
        )
    logged = {
        "gen_time": facts.gen_time,
        "serial": facts.serial,
        "policy": facts.policy,
        "tsa_name": facts.tsa_name,
    }
    if data.get("tsa_certificate_sha256") is not None:
        logged["tsa_certificate_sha256"] = facts.certificate_sha256
    if data.get("nonce") is not None:
        logged["nonce"] = "" if facts.nonce is None else str(facts.nonce)
    for name, value in logged.items():
        if data.get(name) != value:
            mismatch(
                tr(
                    "seq {seq}: the log says {name} is {logged}, the token says {token}",
                    seq=event.seq,
                    name=name,
                    logged=data.get(name),
                    token=value,
                )
            )
    return problems, facts


def _token_entry(data: dict[str, Any]) -> dict[str, Any] | None:
    files = data.get("files")
    if not isinstance(files, list):
        return None
    for entry in files:
        if (
            isinstance(entry, dict)
            and entry.get("kind") == TOKEN_KIND
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("sha256"), str)
        ):
            return entry
    return None


def _read_token(folder: Path, entry: dict[str, Any]) -> bytes | None:
    """The token's bytes if the file is inside the case and matches its logged hash."""
    try:  # never through a link, never a FIFO, never a huge file
        token = read_inside(folder, str(entry["path"]), limit=MAX_REPLY_BYTES)
    except (UnsafePathError, OSError):
        return None
    if hashlib.sha256(token).hexdigest() != entry["sha256"]:
        return None
    return token


def describe_timestamp(
    event: Event,
    *,
    root: Certificate | None = None,
    warnings: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """What a timestamp event says, for display; check it with check_timestamps first.

    It is called trusted only with the `root` its authority's certificate chained to
    (trusted_root); without one the statement says the authority cannot be vouched for.
    """
    data = event.data
    entry = _token_entry(data)
    gen_time = data.get("gen_time")
    offset: float | None = None
    if isinstance(gen_time, str):
        trusted_time = _parse_utc(gen_time)
        local = _parse_utc(event.utc)
        if trusted_time is not None and local is not None:
            offset = round((local - trusted_time).total_seconds(), 3)
    root_sha256 = root_label = None
    if root is not None:
        from desktop.core.proof.tsa_trust import fingerprint, root_name

        root_sha256, root_label = fingerprint(root), root_name(root)
    shown: dict[str, Any] = {
        "seq": event.seq,
        "covers_seq": data.get("covers_seq"),
        "covers_hash": data.get("covers_hash"),
        "gen_time": gen_time,
        "tsa_name": data.get("tsa_name") or data.get("tsa_url") or "",
        "tsa_url": data.get("tsa_url"),
        "serial": data.get("serial"),
        "policy": data.get("policy"),
        "token": None if entry is None else entry["path"],
        "trusted": root is not None,
        "tsa_certificate_sha256": data.get("tsa_certificate_sha256"),
        "tsa_root_sha256": root_sha256,
        "tsa_root_name": root_label,
        # The computer's clock when the token was logged, minus the authority's time: an upper
        # bound on how far ahead the local clock ran (the request took some time too).
        "local_clock_minus_trusted_seconds": offset,
    }
    shown["statement"] = timestamp_statement(shown)
    shown["warnings"] = [{**w, "message": clock_warning_text(w, event.seq)} for w in warnings]
    return shown


def timestamp_statement(shown: dict[str, Any]) -> str:
    """One sentence, in the current language, on what a described timestamp proves."""
    if shown.get("trusted"):
        return tr(
            "{tsa} signed that log event #{covered} and every event before it existed by "
            "{time} (UTC). Its certificate chains to {root}, a root you trust (SHA-256 "
            "{root_sha256}).",
            tsa=shown.get("tsa_name"),
            covered=shown.get("covers_seq"),
            time=shown.get("gen_time"),
            root=shown.get("tsa_root_name"),
            root_sha256=shown.get("tsa_root_sha256"),
        )
    return tr(
        "Not trusted time: the token is signed by {tsa}, an authority this program cannot vouch "
        "for, because its certificate (SHA-256 {certificate}) does not chain to a root you trust. "
        "It says that log event #{covered} and every event before it existed by {time} (UTC) "
        "only to someone who trusts that certificate. To trust it, give its root certificate "
        "with verify --tsa-root FILE or in Settings (Trusted time).",
        tsa=shown.get("tsa_name"),
        certificate=shown.get("tsa_certificate_sha256") or "?",
        covered=shown.get("covers_seq"),
        time=shown.get("gen_time"),
    )


def clock_warning_text(warning: dict[str, Any], seq: int) -> str:
    """A clock warning of clock_warnings() in words, in the current language."""
    minutes = f"{abs(float(warning.get('seconds') or 0)) / 60:.0f}"
    values = {
        "seq": seq,
        "time": warning.get("gen_time"),
        "logged": warning.get("logged"),
        "covered": warning.get("covers_seq"),
        "minutes": minutes,
        "bound": CLOCK_TOLERANCE_SECONDS // 60,
    }
    kind = warning.get("kind")
    if kind == "timestamp_before_case":
        return tr(
            "seq {seq}: the authority's time {time} is {minutes} minutes before the case was "
            "created by this computer's clock ({logged}): the computer's clock ran ahead, or "
            "the case's times were changed.",
            **values,
        )
    if kind == "timestamp_before_covered":
        return tr(
            "seq {seq}: the authority's time {time} is {minutes} minutes before event "
            "#{covered}, which it covers, was logged ({logged}): the computer's clock ran "
            "ahead, or the log's times were changed.",
            **values,
        )
    return tr(
        "seq {seq}: the authority's time {time} and this computer's clock when the token was "
        "logged ({logged}) differ by {minutes} minutes (more than {bound}): the computer's "
        "clock was wrong, or the token was logged long after it was issued.",
        **values,
    )
