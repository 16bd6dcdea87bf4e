"""RFC 3161 timestamps, against a small timestamp authority this test runs on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import http.server
import inspect
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import algos, cms, tsp
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

import desktop.core.proof.verify
from desktop.core.errors import DiskFullError, UsageError
from desktop.core.proof.timestamp import (
    TimestampError,
    TimestampHTTPError,
    TimestampRejectedError,
    TimestampTokenError,
    TimestampUnreachableError,
    check_timestamps,
    describe_timestamp,
    request_timestamp,
    verify_timestamps,
)
from desktop.core.proof.verify import verify_case
from desktop.core.store.case import CaseWriter, create_case
from desktop.core.store.durable import os_error_to_evidence, write_new_file
from desktop.core.store.log import LOG_NAME, Event, scan_log

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
POLICY = "1.3.6.1.4.1.99999.1.2"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Loopback Test Trust"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@dataclasses.dataclass
class Keys:
    ca_cert: x509.Certificate
    tsa_key: PrivateKey
    tsa_cert: x509.Certificate


def make_keys(kind: str) -> Keys:
    """A root CA (ECDSA) and a TSA certificate it issued with a `kind` key."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Test Root CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    tsa_key: PrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if kind == "rsa"
        else ec.generate_private_key(ec.SECP256R1())
    )
    tsa_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"Test TSA ({kind})"))
        .issuer_name(ca_name)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return Keys(ca_cert, tsa_key, tsa_cert)


class Authority:
    """A tiny RFC 3161 timestamp authority; `mode` makes it misbehave on purpose."""

    def __init__(self, keys: Keys) -> None:
        self.keys = keys
        self.mode = "ok"
        self.serial = 1000
        self.clock_shift = timedelta(0)  # how far the authority's clock is off
        self.extra_certificates: list[x509.Certificate] = []  # intermediates it sends along
        self.requests: list[tuple[str, bytes]] = []

    def answer(self, content_type: str, body: bytes) -> tuple[int, bytes]:
        self.requests.append((content_type, body))
        if self.mode == "http_500":
            return 500, b"internal error"
        if self.mode == "garbage":
            return 200, b"<html>not a timestamp authority</html>"
        if self.mode == "rejection":  # a reply with a status and no token
            status = {"status": "rejection", "status_string": ["policy not accepted"]}
            return 200, _der_sequence(tsp.PKIStatusInfo(status).dump())
        request = tsp.TimeStampReq.load(body)
        reply = tsp.TimeStampResp(
            {"status": {"status": "granted"}, "time_stamp_token": self.token(request)}
        )
        return 200, reply.dump()

    def token(self, request: Any) -> cms.ContentInfo:
        hashed = bytes(request["message_imprint"]["hashed_message"].native)
        nonce = request["nonce"].native
        if self.mode == "wrong_imprint":
            hashed = hashlib.sha256(b"something else").digest()
        if self.mode == "wrong_nonce":
            nonce = (nonce or 0) + 1
        self.serial += 1
        cert = ax509.Certificate.load(self.keys.tsa_cert.public_bytes(serialization.Encoding.DER))
        tsa_name = cert.subject
        if self.mode == "tsa_name_mismatch":
            tsa_name = ax509.Name.build({"common_name": "Somebody Else"})
        tst = tsp.TSTInfo(
            {
                "version": "v1",
                "policy": POLICY,
                "message_imprint": {
                    "hash_algorithm": {"algorithm": "sha256"},
                    "hashed_message": hashed,
                },
                "serial_number": self.serial,
                "gen_time": (datetime.now(UTC) + self.clock_shift).replace(microsecond=0),
                "accuracy": {"seconds": 1},
                "nonce": nonce,
                "tsa": ax509.GeneralName(name="directory_name", value=tsa_name),
            }
        )
        tst_der = tst.dump()
        attributes = cms.CMSAttributes(
            [
                {"type": "content_type", "values": ["tst_info"]},
                {"type": "message_digest", "values": [hashlib.sha256(tst_der).digest()]},
                {
                    "type": "signing_certificate_v2",
                    "values": [{"certs": [{"cert_hash": hashlib.sha256(cert.dump()).digest()}]}],
                },
            ]
        )
        to_sign = attributes.dump()
        if self.mode == "bad_signature":
            to_sign += b"\x00"
        key = self.keys.tsa_key
        if isinstance(key, rsa.RSAPrivateKey):
            signature = key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
            algorithm = "sha256_rsa"
        else:
            signature = key.sign(to_sign, ec.ECDSA(hashes.SHA256()))
            algorithm = "sha256_ecdsa"
        signer = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier(
                    name="issuer_and_serial_number",
                    value={"issuer": cert.issuer, "serial_number": cert.serial_number},
                ),
                "digest_algorithm": {"algorithm": "sha256"},
                "signed_attrs": attributes,
                "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": algorithm}),
                "signature": signature,
            }
        )
        signed_data: dict[str, Any] = {
            "version": "v3",
            "digest_algorithms": [{"algorithm": "sha256"}],
            "encap_content_info": {
                "content_type": "tst_info",
                "content": cms.ParsableOctetString(tst_der),
            },
            "signer_infos": [signer],
        }
        if request["cert_req"].native and self.mode != "no_certificate":
            extra = [
                ax509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
                for c in self.extra_certificates
            ]
            signed_data["certificates"] = [cert, *extra]
        signed = cms.SignedData(signed_data)
        return cms.ContentInfo({"content_type": "signed_data", "content": signed})


def _der_sequence(content: bytes) -> bytes:
    size = len(content)
    length = bytes([size]) if size < 0x80 else bytes([0x82, size >> 8, size & 0xFF])
    return b"\x30" + length + content


class Server:
    """The authority behind http.server on an ephemeral loopback port, in a thread."""

    def __init__(self, authority: Authority) -> None:
        handler = self._handler(authority)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/tsr"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    @staticmethod
    def _handler(authority: Authority) -> type[http.server.BaseHTTPRequestHandler]:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, reply = authority.answer(self.headers.get("Content-Type", ""), body)
                self.send_response(status)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture(scope="module")
def ecdsa_keys() -> Keys:
    return make_keys("ecdsa")


@pytest.fixture(scope="module")
def rsa_keys() -> Keys:
    return make_keys("rsa")


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def _serve(keys: Keys) -> Iterator[tuple[Authority, Server]]:
    authority = Authority(keys)
    server = Server(authority)
    try:
        yield authority, server
    finally:
        server.close()


@pytest.fixture
def tsa(ecdsa_keys: Keys, no_proxy: None) -> Iterator[tuple[Authority, Server]]:
    yield from _serve(ecdsa_keys)


@pytest.fixture(params=["rsa", "ecdsa"])
def any_tsa(request: pytest.FixtureRequest, no_proxy: None) -> Iterator[tuple[Authority, Server]]:
    keys: Keys = request.getfixturevalue(f"{request.param}_keys")
    yield from _serve(keys)


def _events(folder: Path) -> list[Event]:
    return scan_log(folder / LOG_NAME).events


def _tokens(folder: Path) -> list[Path]:
    return sorted((folder / "derived").glob("*.tsr"))


def _make_writable(path: Path) -> None:
    os.chmod(path, 0o644)


def test_a_token_is_obtained_stored_logged_and_verifies(
    case: CaseWriter, any_tsa: tuple[Authority, Server]
) -> None:
    authority, server = any_tsa
    kind = "rsa" if isinstance(authority.keys.tsa_key, rsa.RSAPrivateKey) else "ecdsa"
    case.add_note("the downgrade button is grey")
    covered = case.last_event
    assert covered is not None

    event = request_timestamp(case, server.url)

    content_type, body = authority.requests[-1]
    assert content_type == "application/timestamp-query"
    sent = tsp.TimeStampReq.load(body)
    assert sent["version"].native == "v1"
    assert sent["cert_req"].native is True
    assert sent["nonce"].native is not None
    assert sent["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha256"
    assert sent["message_imprint"]["hashed_message"].native == bytes.fromhex(covered.hash)

    assert event.type == "timestamp"
    assert event.seq == covered.seq + 1
    data = event.data
    assert data["covers_seq"] == covered.seq
    assert data["covers_hash"] == covered.hash
    assert data["tsa_url"] == server.url
    assert data["policy"] == POLICY
    assert data["serial"] == str(authority.serial)
    assert data["tsa_name"] == f"Common Name: Test TSA ({kind}), Organization: Loopback Test Trust"
    assert data["gen_time"].endswith("Z")
    assert datetime.fromisoformat(data["gen_time"]).tzinfo is not None
    [entry] = data["files"]
    assert entry["path"] == f"derived/timestamp-{covered.seq}.tsr"
    assert entry["kind"] == "rfc3161"
    stored = case.folder / entry["path"]
    token = stored.read_bytes()
    assert entry["sha256"] == hashlib.sha256(token).hexdigest()
    assert entry["size"] == len(token)
    assert stored.stat().st_mode & 0o222 == 0
    assert cms.ContentInfo.load(token)["content_type"].native == "signed_data"

    # A second timestamp covers the first one's event.
    second = request_timestamp(case, server.url)
    assert second.data["covers_seq"] == event.seq

    events = _events(case.folder)
    assert verify_timestamps(case.folder, events) == []
    assert verify_case(case.folder).ok
    checked = check_timestamps(case.folder, events)
    assert checked.findings == []
    assert [shown["seq"] for shown in checked.proven] == [event.seq, second.seq]

    shown = describe_timestamp(event)
    assert shown["covers_seq"] == covered.seq
    assert shown["gen_time"] == data["gen_time"]
    assert shown["tsa_name"] == f"Common Name: Test TSA ({kind}), Organization: Loopback Test Trust"
    assert shown["token"] == entry["path"]
    assert abs(shown["local_clock_minus_trusted_seconds"]) < 5
    assert f"#{covered.seq}" in shown["statement"]
    assert f"Test TSA ({kind})" in shown["statement"]
    # Without a root it chained to, nothing is called trusted (the loopback CA is nobody's).
    assert shown["trusted"] is False
    assert shown["tsa_root_sha256"] is None
    assert shown["statement"].startswith("Not trusted time")
    assert [s["trusted"] for s in checked.proven] == [False, False]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_openssl_verifies_the_stored_token_without_this_program(
    case: CaseWriter, tsa: tuple[Authority, Server], tmp_path: Path
) -> None:
    authority, server = tsa
    event = request_timestamp(case, server.url)
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(authority.keys.ca_cert.public_bytes(serialization.Encoding.PEM))
    token = case.folder / event.data["files"][0]["path"]
    command = ["openssl", "ts", "-verify", "-token_in", "-in", str(token)]
    command += ["-digest", event.data["covers_hash"], "-CAfile", str(ca_file)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Verification: OK" in done.stdout


@pytest.mark.parametrize(
    ("mode", "error", "words"),
    [
        ("wrong_imprint", TimestampTokenError, "for other data than the log hash"),
        ("wrong_nonce", TimestampTokenError, "nonce differs"),
        ("bad_signature", TimestampTokenError, "signature does not verify"),
        ("http_500", TimestampHTTPError, "answered HTTP 500"),
        ("rejection", TimestampRejectedError, "refused the request (status: rejection; policy"),
        ("garbage", TimestampTokenError, "is not an RFC 3161 timestamp reply"),
        ("tsa_name_mismatch", TimestampTokenError, "names another authority"),
        ("no_certificate", TimestampTokenError, "does not carry the certificate"),
    ],
)
def test_a_bad_answer_is_a_clear_error_and_nothing_is_logged(
    case: CaseWriter,
    tsa: tuple[Authority, Server],
    mode: str,
    error: type[TimestampError],
    words: str,
) -> None:
    authority, server = tsa
    authority.mode = mode
    log_before = (case.folder / LOG_NAME).read_bytes()
    with pytest.raises(error) as raised:
        request_timestamp(case, server.url)
    message = str(raised.value)
    assert words in message
    assert "Nothing was logged" in message
    assert (case.folder / LOG_NAME).read_bytes() == log_before
    assert _tokens(case.folder) == []
    assert verify_case(case.folder).ok


def test_the_token_file_goes_when_the_log_line_cannot_be_written(
    case: CaseWriter, tsa: tuple[Authority, Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, server = tsa
    log_before = (case.folder / LOG_NAME).read_bytes()

    def full_disk(*args: object) -> None:  # what EventLog._write raises on a full disk
        raise os_error_to_evidence(OSError(errno.ENOSPC, "No space left"), case.folder)

    monkeypatch.setattr(case.log, "_write", full_disk)
    with pytest.raises(DiskFullError):
        request_timestamp(case, server.url)
    assert _tokens(case.folder) == []
    assert (case.folder / LOG_NAME).read_bytes() == log_before


def test_an_unreachable_authority_is_a_clear_error(case: CaseWriter, no_proxy: None) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log_before = (case.folder / LOG_NAME).read_bytes()
    with pytest.raises(TimestampUnreachableError) as raised:
        request_timestamp(case, f"http://127.0.0.1:{port}/tsr", timeout=5)
    assert "Cannot reach the timestamp authority" in str(raised.value)
    assert "Check the network connection" in str(raised.value)
    assert (case.folder / LOG_NAME).read_bytes() == log_before


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://tsa.example/", "tsa.example", ""])
def test_only_http_addresses_are_used(case: CaseWriter, url: str) -> None:
    with pytest.raises(UsageError, match="not an http:// or https:// address"):
        request_timestamp(case, url)


def test_a_changed_byte_in_the_stored_token_is_caught(
    case: CaseWriter, tsa: tuple[Authority, Server]
) -> None:
    _, server = tsa
    event = request_timestamp(case, server.url)
    path = case.folder / event.data["files"][0]["path"]
    token = path.read_bytes()
    _make_writable(path)
    for position, why in [
        (len(token) - 1, "signature does not verify"),  # last byte of the signature
        (_gen_time_digit(token), "changed after signing"),  # a digit of the signed time
    ]:
        changed = bytearray(token)
        changed[position] ^= 0x01
        path.write_bytes(bytes(changed))
        report = verify_case(case.folder)
        assert [p.kind for p in report.problems][:1] == ["file_changed"]
        [finding] = verify_timestamps(case.folder, _events(case.folder))
        assert finding.kind == "timestamp_invalid"
        assert "missing or differs from the one logged" in finding.message
        # Even with the log's hash rewritten to match, the token itself no longer verifies.
        rehashed = _replace_file_entry(event, bytes(changed))
        [finding] = verify_timestamps(case.folder, [*_events(case.folder)[:-1], rehashed])
        assert finding.kind == "timestamp_invalid"
        assert why in finding.message, finding.message
    path.write_bytes(token)
    assert verify_timestamps(case.folder, _events(case.folder)) == []


def _gen_time_digit(token: bytes) -> int:
    signed = cms.ContentInfo.load(token)["content"]
    tst = tsp.TSTInfo.load(bytes(signed["encap_content_info"]["content"]))
    encoded = tst["gen_time"].dump()
    start = token.index(encoded)
    return start + len(encoded) - 2  # the last digit of the seconds, before the "Z"


def _replace_file_entry(event: Event, token: bytes) -> Event:
    entry = {**event.data["files"][0], "sha256": hashlib.sha256(token).hexdigest()}
    return dataclasses.replace(event, data={**event.data, "files": [entry]})


def test_a_token_over_other_data_is_flagged(
    case: CaseWriter, tsa: tuple[Authority, Server], tmp_path: Path
) -> None:
    _, server = tsa
    event = request_timestamp(case, server.url)
    events = _events(case.folder)

    # The log line claims another event than the token covers.
    other = events[event.data["covers_seq"] - 1]
    claimed = dataclasses.replace(
        event, data={**event.data, "covers_seq": other.seq, "covers_hash": other.hash}
    )
    findings = verify_timestamps(case.folder, [*events[:-1], claimed])
    assert [f.kind for f in findings] == ["timestamp_mismatch"]
    assert "issued for other data" in findings[0].message

    # The event the token covers was changed.
    covered = events[event.data["covers_seq"]]
    edited = dataclasses.replace(covered, data={**covered.data, "forged": True})
    changed = [edited if e.seq == covered.seq else e for e in events]
    findings = verify_timestamps(case.folder, changed)
    assert [f.kind for f in findings] == ["timestamp_mismatch"]
    assert "differs from the event that was timestamped" in findings[0].message

    # The log line misstates what the token says.
    for name, value in [("gen_time", "2020-01-01T00:00:00Z"), ("tsa_name", "A Famous Notary")]:
        restated = dataclasses.replace(event, data={**event.data, name: value})
        [finding] = verify_timestamps(case.folder, [*events[:-1], restated])
        assert finding.kind == "timestamp_mismatch"
        assert f"the log says {name} is {value}" in finding.message

    # A token copied from another case, with a properly chained log line and a matching
    # file hash: only the timestamp check can see it.
    forged = _forge_from(case, event, tmp_path / "other")
    checked = check_timestamps(forged, _events(forged))
    assert [f.kind for f in checked.findings] == ["timestamp_mismatch"]
    assert "issued for other data" in checked.findings[0].message
    assert checked.proven == []


def _forge_from(source: CaseWriter, event: Event, folder: Path) -> Path:
    writer = create_case(folder, title="a case the token was never for")
    writer.add_note("backdated")
    last = writer.last_event
    assert last is not None
    token = (source.folder / event.data["files"][0]["path"]).read_bytes()
    name = f"derived/timestamp-{last.seq}.tsr"
    write_new_file(folder / name, token)
    entry = {**event.data["files"][0], "path": name}
    with writer.transaction() as tx:
        data = {**event.data, "files": [entry], "covers_seq": last.seq, "covers_hash": last.hash}
        tx.add("timestamp", data, None)
    return folder


@pytest.mark.skipif(
    "desktop.core.proof.timestamp" not in inspect.getsource(desktop.core.proof.verify),
    reason="verify_case does not check timestamps yet",
)
def test_verify_case_reports_a_forged_timestamp(
    case: CaseWriter, tsa: tuple[Authority, Server], tmp_path: Path
) -> None:
    _, server = tsa
    event = request_timestamp(case, server.url)
    assert verify_case(case.folder).ok
    forged = _forge_from(case, event, tmp_path / "other")
    report = verify_case(forged)
    assert [p.kind for p in report.problems] == ["timestamp_mismatch"]


def test_a_malformed_timestamp_event_is_reported(case: CaseWriter) -> None:
    with case.transaction() as tx:
        tx.add("timestamp", {"covers_seq": 0}, None)
    [finding] = verify_timestamps(case.folder, _events(case.folder))
    assert finding.kind == "timestamp_invalid"
    assert "does not name its token file" in finding.message


def test_verifying_never_touches_the_network(
    case: CaseWriter, tsa: tuple[Authority, Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, server = tsa
    request_timestamp(case, server.url)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network used while verifying")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert verify_timestamps(case.folder, _events(case.folder)) == []
    assert verify_case(case.folder).ok


def test_importing_and_verifying_without_timestamps_stays_light(tmp_path: Path) -> None:
    create_case(tmp_path / "plain", title="no timestamps")
    code = (
        "import sys; from pathlib import Path; "
        "from desktop.core.store.log import LOG_NAME, scan_log; "
        "from desktop.core.proof.timestamp import verify_timestamps; "
        f"folder = Path({str(tmp_path / 'plain')!r}); "
        "assert verify_timestamps(folder, scan_log(folder / LOG_NAME).events) == []; "
        "heavy = [m for m in ('asn1crypto', 'cryptography', 'urllib.request') "
        "if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_token_reached_through_a_link_is_not_read(
    case: CaseWriter, tsa: tuple[Authority, Server], tmp_path: Path
) -> None:
    _, server = tsa
    event = request_timestamp(case, server.url)
    stored = case.folder / event.data["files"][0]["path"]
    outside = tmp_path / "outside.tsr"
    outside.write_bytes(stored.read_bytes())  # the same bytes, but outside the case
    _make_writable(stored)
    stored.unlink()
    os.symlink(outside, stored)

    checked = check_timestamps(case.folder, _events(case.folder))

    assert [f.kind for f in checked.findings] == ["timestamp_invalid"]
    assert "missing or differs" in checked.findings[0].message
    assert checked.proven == []


def test_a_misstated_certificate_fingerprint_is_flagged(
    case: CaseWriter, tsa: tuple[Authority, Server]
) -> None:
    _, server = tsa
    event = request_timestamp(case, server.url)
    events = _events(case.folder)
    restated = dataclasses.replace(event, data={**event.data, "tsa_certificate_sha256": "ab" * 32})
    [finding] = verify_timestamps(case.folder, [*events[:-1], restated])
    assert finding.kind == "timestamp_mismatch"
    assert "the log says tsa_certificate_sha256 is abab" in finding.message
