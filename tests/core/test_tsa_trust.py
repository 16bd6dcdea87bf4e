"""Trusted time means trusted: only a chain to a root you trust makes a timestamp trusted."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

import desktop.core.proof.timestamp
from desktop.core.errors import UsageError
from desktop.core.proof.timestamp import request_timestamp
from desktop.core.proof.tsa_trust import load_root_file, trust_roots
from desktop.core.proof.verify import verify_case
from desktop.core.store.case import CaseWriter, create_case
from desktop.core.store.clock import SystemClock
from desktop.core.store.log import LOG_NAME, scan_log
from tests.core.test_timestamp import Authority, Keys, Server, make_keys, no_proxy

__all__ = ["no_proxy"]  # a fixture, used by name

ROOT = Path(__file__).resolve().parents[2]
DER = serialization.Encoding.DER
PEM = serialization.Encoding.PEM
TEN_MINUTES = 600  # the bound the README states


def _sha256(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(DER)).hexdigest()


def _write_root(folder: Path, certificate: x509.Certificate, name: str = "root.pem") -> Path:
    path = folder / name
    path.write_bytes(certificate.public_bytes(DER if name.endswith(".der") else PEM))
    return path


@pytest.fixture
def served(no_proxy: None) -> Iterator[Any]:
    """serve(keys) -> (Authority, Server) on loopback; every server is closed afterwards."""
    servers: list[Server] = []

    def serve(keys: Keys) -> tuple[Authority, Server]:
        authority = Authority(keys)
        server = Server(authority)
        servers.append(server)
        return authority, server

    yield serve
    for server in servers:
        server.close()


@pytest.fixture(scope="module")
def keys() -> Keys:
    return make_keys("ecdsa")


def _cli(*args: object, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EVIDENCE_RECORDER_LANG": lang, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "desktop", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


# -- the system's roots do not make a self-made authority trusted --------------------------


def test_a_self_signed_loopback_authority_is_not_called_trusted(
    case: CaseWriter, served: Any, keys: Keys
) -> None:
    _, server = served(keys)
    case.add_note("cancel is hidden")
    request_timestamp(case, server.url)

    report = verify_case(case.folder)

    assert report.ok  # an untrusted token is not a failure of the case's integrity
    [shown] = report.timestamps
    assert shown["trusted"] is False
    assert shown["tsa_root_sha256"] is None
    assert shown["tsa_certificate_sha256"] == _sha256(keys.tsa_cert)
    assert "Not trusted time" in shown["statement"]
    assert "cannot vouch for" in shown["statement"]
    assert _sha256(keys.tsa_cert) in shown["statement"]
    assert "a root you trust (SHA-256" not in shown["statement"]


@pytest.mark.parametrize("name", ["root.pem", "root.der"])
def test_the_authoritys_root_given_makes_it_trusted(
    case: CaseWriter, served: Any, keys: Keys, tmp_path: Path, name: str
) -> None:
    _, server = served(keys)
    request_timestamp(case, server.url)
    roots = trust_roots([_write_root(tmp_path, keys.ca_cert, name)])

    report = verify_case(case.folder, tsa_roots=roots)

    assert report.ok
    [shown] = report.timestamps
    assert shown["trusted"] is True
    assert shown["tsa_root_sha256"] == _sha256(keys.ca_cert)
    assert shown["tsa_root_name"] == "Test Root CA"
    assert "chains to Test Root CA, a root you trust" in shown["statement"]
    # A root of somebody else does not do.
    other = make_keys("ecdsa")
    report = verify_case(case.folder, tsa_roots=trust_roots([_write_root(tmp_path, other.ca_cert)]))
    assert [s["trusted"] for s in report.timestamps] == [False]


@pytest.mark.parametrize("content", [b"", b"not a certificate\n", b"\x30\x03\x02\x01\x01"])
def test_a_root_file_without_a_certificate_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "root.pem"
    path.write_bytes(content)
    with pytest.raises(UsageError, match="holds no certificate"):
        load_root_file(path)
    with pytest.raises(UsageError, match="cannot be read"):
        load_root_file(tmp_path / "missing.pem")


# -- chains built by an attacker ------------------------------------------------------------


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _issue(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None,
    *,
    ca: bool | None,
    path_length: int | None = None,
    cert_sign: bool = True,
    tsa: bool = False,
    extended_usage: list[x509.ObjectIdentifier] | None = None,
    valid: tuple[timedelta, timedelta] = (timedelta(days=-1), timedelta(days=30)),
) -> x509.Certificate:
    now = datetime.now(UTC)
    issuer_name, issuer_key = issuer or (_name(subject), key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + valid[0])
        .not_valid_after(now + valid[1])
    )
    if ca is not None:
        constraints = x509.BasicConstraints(ca=ca, path_length=path_length if ca else None)
        builder = builder.add_extension(constraints, critical=True)
    if tsa:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    elif extended_usage:  # a certificate for something else that also allows timestamping
        builder = builder.add_extension(x509.ExtendedKeyUsage(extended_usage), critical=False)
    else:
        usage = x509.KeyUsage(
            digital_signature=not cert_sign,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=cert_sign,
            crl_sign=cert_sign,
            encipher_only=False,
            decipher_only=False,
        )
        builder = builder.add_extension(usage, critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _chain(shape: str) -> tuple[x509.Certificate, Keys, list[x509.Certificate]]:
    """(the root to trust, the authority's keys, intermediates the token carries) for `shape`."""
    root_key, middle_key, tsa_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    root_path_length = 0 if shape == "path_length_exceeded" else None
    expired = (timedelta(days=-30), timedelta(days=-2))
    root = _issue(
        "Root",
        root_key,
        None,
        ca=True,
        path_length=root_path_length,
        valid=expired if shape == "root_expired" else (timedelta(days=-1), timedelta(days=30)),
    )
    by_root = (root.subject, root_key)
    shapes: dict[str, dict[str, Any]] = {
        "not_a_ca": {"ca": False},
        "no_basic_constraints": {"ca": None},
        "no_cert_sign": {"ca": True, "cert_sign": False},
        "intermediate_not_yet_valid": {
            "ca": True,
            "valid": (timedelta(days=1), timedelta(days=30)),
        },
    }
    middle_kind = shapes.get(shape, {"ca": True})
    impostor_key = ec.generate_private_key(ec.SECP256R1())
    middle_issuer = (root.subject, impostor_key) if shape == "forged_issuer_name" else by_root
    middle = _issue("Intermediate", middle_key, middle_issuer, **middle_kind)
    if shape == "leaf_not_only_for_timestamping":  # a TLS server certificate, say
        usage = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.TIME_STAMPING]
        tsa = _issue(
            "Chained TSA", tsa_key, (middle.subject, middle_key), ca=False, extended_usage=usage
        )
    else:
        tsa = _issue("Chained TSA", tsa_key, (middle.subject, middle_key), ca=False, tsa=True)
    carried = [] if shape == "intermediate_not_sent" else [middle]
    return root, Keys(root, tsa_key, tsa), carried


@pytest.mark.parametrize(
    ("shape", "trusted"),
    [
        ("good", True),
        ("intermediate_not_sent", False),
        ("not_a_ca", False),
        ("no_basic_constraints", False),
        ("no_cert_sign", False),
        ("path_length_exceeded", False),
        ("forged_issuer_name", False),
        ("root_expired", False),
        ("intermediate_not_yet_valid", False),
        ("leaf_not_only_for_timestamping", False),
    ],
)
def test_only_a_sound_chain_to_a_trusted_root_is_trusted(
    case: CaseWriter, served: Any, tmp_path: Path, shape: str, trusted: bool
) -> None:
    root, chained, carried = _chain(shape)
    authority, server = served(chained)
    authority.extra_certificates = carried
    request_timestamp(case, server.url)

    report = verify_case(case.folder, tsa_roots=trust_roots([_write_root(tmp_path, root)]))

    assert report.ok, report.problems  # the token itself is sound in every shape
    [shown] = report.timestamps
    assert shown["trusted"] is trusted
    assert shown["tsa_root_sha256"] == (_sha256(root) if trusted else None)


def test_trusting_the_authoritys_own_certificate_is_enough(
    case: CaseWriter, served: Any, keys: Keys, tmp_path: Path
) -> None:
    _, server = served(keys)
    request_timestamp(case, server.url)
    roots = trust_roots([_write_root(tmp_path, keys.tsa_cert)], system=False)
    [shown] = verify_case(case.folder, tsa_roots=roots).timestamps
    assert shown["trusted"] is True
    assert shown["tsa_root_sha256"] == _sha256(keys.tsa_cert)


# -- the authority's time against the log's clock -------------------------------------------


class ShiftedClock(SystemClock):
    """The machine's clock, off by `shift` (a computer whose clock is wrong)."""

    def __init__(self, shift: timedelta) -> None:
        self.shift = shift

    def now(self) -> datetime:
        return super().now() + self.shift


@pytest.mark.parametrize(
    ("case_shift", "note_shift", "authority_shift", "kinds"),
    [
        # Within the bound (10 minutes) either way: nothing to say.
        (timedelta(0), timedelta(0), timedelta(minutes=-4), []),
        (timedelta(0), timedelta(0), timedelta(minutes=8), []),
        # The authority says the log existed before the case was created.
        (
            timedelta(0),
            timedelta(0),
            timedelta(minutes=-30),
            ["timestamp_before_case", "timestamp_clock_off"],
        ),
        # The case is old, but the event the token covers was logged after the token's time.
        (
            timedelta(hours=-3),
            timedelta(0),
            timedelta(minutes=-40),
            ["timestamp_before_covered", "timestamp_clock_off"],
        ),
        # The computer's clock was 2 hours behind the whole time.
        (
            timedelta(hours=-2),
            timedelta(hours=-2),
            timedelta(0),
            ["timestamp_clock_off"],
        ),
    ],
)
def test_a_token_far_from_the_logs_clock_is_flagged(
    tmp_path: Path,
    served: Any,
    keys: Keys,
    case_shift: timedelta,
    note_shift: timedelta,
    authority_shift: timedelta,
    kinds: list[str],
) -> None:
    clock = ShiftedClock(case_shift)
    writer = create_case(tmp_path / "case", title="clocks", clock=clock)
    clock.shift = note_shift
    writer.add_note("the covered event")
    authority, server = served(keys)
    authority.clock_shift = authority_shift
    request_timestamp(writer, server.url)
    writer.close()

    report = verify_case(writer.folder)

    assert desktop.core.proof.timestamp.CLOCK_TOLERANCE_SECONDS == TEN_MINUTES
    assert report.ok  # a wrong clock is a warning beside the timestamp, not a failure
    [shown] = report.timestamps
    assert [w["kind"] for w in shown["warnings"]] == kinds
    for warning in shown["warnings"]:
        assert abs(warning["seconds"]) > TEN_MINUTES
        assert warning["message"].startswith(f"seq {shown['seq']}: the authority's time")
    if "timestamp_before_case" in kinds:
        assert "before the case was created" in shown["warnings"][0]["message"]
        words = _cli("verify", writer.folder)
        assert words.returncode == 0, words.stderr  # said, but not a failure
        assert f"WARNING: seq {shown['seq']}: the authority's time" in words.stdout
        assert "minutes before the case was created" in words.stdout


# -- the command line ------------------------------------------------------------------------


def test_verify_says_trusted_or_not_in_json_and_in_words(
    case: CaseWriter, served: Any, keys: Keys, tmp_path: Path
) -> None:
    _, server = served(keys)
    request_timestamp(case, server.url)
    case.close()
    root = _write_root(tmp_path, keys.ca_cert)

    plain = _cli("verify", case.folder, "--json")
    assert plain.returncode == 0, plain.stderr
    [stamp] = json.loads(plain.stdout)["timestamps"]
    assert stamp["trusted"] is False
    assert stamp["tsa_root_sha256"] is None

    rooted = _cli("verify", case.folder, "--json", "--tsa-root", root)
    assert rooted.returncode == 0, rooted.stderr
    [stamp] = json.loads(rooted.stdout)["timestamps"]
    assert stamp["trusted"] is True
    assert stamp["tsa_root_sha256"] == _sha256(keys.ca_cert)

    words = _cli("verify", case.folder)
    assert words.returncode == 0, words.stderr
    assert "Untrusted timestamp: Not trusted time" in words.stdout
    assert "cannot vouch for" in words.stdout
    assert _sha256(keys.tsa_cert) in words.stdout
    assert "Trusted time:" not in words.stdout

    words = _cli("verify", case.folder, "--tsa-root", root)
    assert "Trusted time: " in words.stdout
    assert "Untrusted" not in words.stdout

    chinese = _cli("verify", case.folder, lang="zh")
    assert chinese.returncode == 0, chinese.stderr
    assert "不可信的时间戳" in chinese.stdout
    assert "无法为其担保" in chinese.stdout
    assert "可信时间：" not in chinese.stdout
    chinese = _cli("verify", case.folder, "--tsa-root", root, lang="zh")
    assert "可信时间：" in chinese.stdout

    broken = _cli("verify", case.folder, "--tsa-root", tmp_path / "nothing.pem")
    assert broken.returncode != 0
    assert "Traceback" not in broken.stderr
    assert "cannot be read" in broken.stderr
    assert len(broken.stderr.strip().splitlines()) == 1


# -- OpenSSL's own timestamp authority ---------------------------------------------------------

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")

TSA_CONFIG = """\
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1, millisecs:500
clock_precision_digits = 0
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""

TSA_EXTENSIONS = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


def _openssl(folder: Path, *args: str) -> None:
    done = subprocess.run(
        ["openssl", *args], cwd=folder, capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr


class OpenSSLAuthority:
    """A CA and a TSA certificate made with the openssl command; `openssl ts -reply` answers."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        self.folder = folder
        (folder / "tsa.cnf").write_text(TSA_CONFIG.format(dir=folder))
        (folder / "tsa.ext").write_text(TSA_EXTENSIONS)
        (folder / "tsaserial").write_text("01\n")
        _openssl(
            folder,
            *("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
            *("-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30"),
            *("-subj", "/O=Interop Test/CN=OpenSSL Interop Root"),
            *("-addext", "basicConstraints=critical,CA:TRUE"),
            *("-addext", "keyUsage=critical,keyCertSign,cRLSign"),
        )
        _openssl(
            folder,
            *("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr"),
            *("-subj", "/O=Interop Test/CN=OpenSSL Interop TSA"),
        )
        _openssl(
            folder,
            *("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key"),
            *("-CAcreateserial", "-out", "tsa.pem", "-days", "7", "-extfile", "tsa.ext"),
        )
        self.ca = folder / "ca.pem"
        self.lock = threading.Lock()
        self.server = Server(self)  # type: ignore[arg-type]  # it has Authority's answer()
        self.url = self.server.url

    def answer(self, _content_type: str, query: bytes) -> tuple[int, bytes]:
        """What the loopback server sends back: `openssl ts -reply` to the query."""
        with self.lock:
            (self.folder / "query.tsq").write_bytes(query)
            _openssl(
                self.folder,
                *("ts", "-reply", "-config", "tsa.cnf", "-queryfile", "query.tsq"),
                *("-out", "reply.tsr"),
            )
            return 200, (self.folder / "reply.tsr").read_bytes()

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def openssl_tsa(tmp_path: Path, no_proxy: None) -> Iterator[OpenSSLAuthority]:
    authority = OpenSSLAuthority(tmp_path / "openssl-tsa")
    try:
        yield authority
    finally:
        authority.close()


def _timestamp_event(folder: Path) -> dict[str, Any]:
    [event] = [e for e in scan_log(folder / LOG_NAME).events if e.type == "timestamp"]
    return event.to_record()


@needs_openssl
def test_a_token_from_openssls_authority_is_accepted_and_trusted_only_with_its_root(
    tmp_path: Path, openssl_tsa: OpenSSLAuthority
) -> None:
    folder = tmp_path / "case"
    made = _cli("case", "new", folder, "--title", "interop")
    assert made.returncode == 0, made.stderr
    assert _cli("note", folder, "the downgrade link is grey").returncode == 0

    stamped = _cli("timestamp", folder, "--tsa", openssl_tsa.url)
    assert stamped.returncode == 0, stamped.stdout + stamped.stderr
    assert "Untrusted timestamp: Not trusted time" in stamped.stdout
    stamped_again = _cli(
        "timestamp", folder, "--tsa", openssl_tsa.url, "--tsa-root", openssl_tsa.ca
    )
    assert stamped_again.returncode == 0, stamped_again.stderr
    assert "Trusted time: " in stamped_again.stdout
    assert "OpenSSL Interop TSA" in stamped_again.stdout

    untrusted = _cli("verify", folder, "--json")
    assert untrusted.returncode == 0, untrusted.stdout + untrusted.stderr
    stamps = json.loads(untrusted.stdout)["timestamps"]
    assert [s["trusted"] for s in stamps] == [False, False]
    assert all(s["tsa_root_sha256"] is None for s in stamps)

    trusted = _cli("verify", folder, "--json", "--tsa-root", openssl_tsa.ca)
    assert trusted.returncode == 0, trusted.stdout + trusted.stderr
    stamps = json.loads(trusted.stdout)["timestamps"]
    assert [s["trusted"] for s in stamps] == [True, True]
    ca = x509.load_pem_x509_certificate(openssl_tsa.ca.read_bytes())
    assert {s["tsa_root_sha256"] for s in stamps} == {_sha256(ca)}
    assert stamps[0]["policy"] == "1.2.3.4.1"
    assert all(s["warnings"] == [] for s in stamps)


def _readme_openssl_block() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    match = re.search(r"<!-- openssl-verify -->\s*```sh\n(.*?)```", text, re.DOTALL)
    assert match, "README.md has no <!-- openssl-verify --> block"
    return match.group(1)


@needs_openssl
def test_the_readmes_openssl_commands_verify_the_stored_token(
    tmp_path: Path, openssl_tsa: OpenSSLAuthority
) -> None:
    folder = tmp_path / "case"
    writer = create_case(folder, title="third party check")
    writer.add_note("the only way out is a hotline")
    request_timestamp(writer, openssl_tsa.url)
    writer.close()
    record = _timestamp_event(folder)

    block = _readme_openssl_block()
    commands = [line for line in block.splitlines() if line.startswith("openssl ")]
    assert len(commands) == 2, block
    env = {
        **os.environ,
        "TOKEN": record["data"]["files"][0]["path"],
        "HASH": record["data"]["covers_hash"],
        "ROOT": str(openssl_tsa.ca),
    }
    done = subprocess.run(
        ["bash", "-euc", "\n".join(commands)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Verification: OK" in done.stdout
    # The digest is the hash of the log line the token covers.
    events = scan_log(folder / LOG_NAME).events
    [covered] = [e for e in events if e.seq == record["data"]["covers_seq"]]
    assert covered.hash == record["data"]["covers_hash"]

    # The same commands refuse a token checked against another log line's hash.
    other = scan_log(folder / LOG_NAME).events[0].hash
    done = subprocess.run(
        ["bash", "-euc", "\n".join(commands)],
        cwd=folder,
        env={**env, "HASH": other},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert "Verification: OK" not in done.stdout


# -- the report -------------------------------------------------------------------------------


def _pdf_words(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext (poppler-utils)")
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


def test_the_report_calls_a_timestamp_trusted_only_with_its_root(
    case: CaseWriter, served: Any, keys: Keys, tmp_path: Path
) -> None:
    from desktop.core.export.pdf import build_report

    _, server = served(keys)
    case.add_note("the cancel page loops back to the offers")
    request_timestamp(case, server.url)
    root = _write_root(tmp_path, keys.ca_cert)
    fingerprint = _sha256(keys.tsa_cert)

    build_report(case.folder, tmp_path / "untrusted.pdf", language="en")
    text = _pdf_words(tmp_path / "untrusted.pdf")
    assert "Not trusted time: the token is signed by" in text
    assert "cannot vouch for" in text
    assert fingerprint in text.replace(" ", "")
    assert "certified at" not in text and "a root you trust (SHA-256" not in text
    # The limits, said plainly.
    assert "rewrites the whole log and every file" in text
    assert "the last log hash on the cover of an earlier report" in text

    build_report(case.folder, tmp_path / "trusted.pdf", language="en", tsa_roots=[root])
    text = _pdf_words(tmp_path / "trusted.pdf")
    assert "Its certificate chains to Test Root CA, a root you trust" in text
    assert "Not trusted time" not in text

    build_report(case.folder, tmp_path / "zh.pdf", language="zh")
    text = _pdf_words(tmp_path / "zh.pdf").replace(" ", "")
    assert "不是可信时间。该令牌由" in text
    assert "本程序无法为其担保" in text
    assert "仅凭案件文件夹无法发现的情况" in text


# -- where the system's roots come from ------------------------------------------------------


@pytest.fixture
def fresh_system_roots() -> Iterator[None]:
    from desktop.core.proof import tsa_trust

    tsa_trust.system_roots.cache_clear()
    yield
    tsa_trust.system_roots.cache_clear()


def test_the_systems_roots_are_read_and_certifi_is_the_fallback(
    fresh_system_roots: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.core.proof import tsa_trust

    if sys.platform.startswith("linux") and ssl_cafile() is not None:
        found, source = tsa_trust.system_roots()
        assert source == "system"
        assert len(found) > 10  # a distribution's CA bundle
    tsa_trust.system_roots.cache_clear()
    monkeypatch.setattr(tsa_trust, "_platform_roots", lambda: [])
    found, source = tsa_trust.system_roots()
    assert source == "certifi"
    assert len(found) > 10
    assert trust_roots().sources == ("certifi",)


def ssl_cafile() -> str | None:
    import ssl

    return ssl.get_default_verify_paths().cafile


def test_windows_roots_are_those_trusted_for_timestamping(
    monkeypatch: pytest.MonkeyPatch, keys: Keys
) -> None:
    import ssl

    from desktop.core.proof import tsa_trust

    other = make_keys("ecdsa").ca_cert
    store = [
        (keys.ca_cert.public_bytes(DER), "x509_asn", True),  # trusted for every purpose
        (other.public_bytes(DER), "x509_asn", {"1.3.6.1.5.5.7.3.1"}),  # TLS servers only
        (b"\x30\x00", "x509_asn", True),  # unreadable
        (b"ignored", "pkcs_7_asn", True),
    ]
    asked: list[str] = []

    def enum_certificates(name: str) -> list[tuple[bytes, str, object]]:
        asked.append(name)
        return store

    monkeypatch.setattr(ssl, "enum_certificates", enum_certificates, raising=False)
    roots = tsa_trust._platform_roots("win32")
    assert asked == ["ROOT"]
    assert [_sha256(c) for c in roots] == [_sha256(keys.ca_cert)]


def test_a_bundle_calls_its_timestamp_trusted_only_with_its_root(
    case: CaseWriter, served: Any, keys: Keys, tmp_path: Path
) -> None:
    from desktop.core.export.bundle import export_bundle, verify_bundle

    _, server = served(keys)
    request_timestamp(case, server.url)
    bundle = export_bundle(case, tmp_path / "case.zip").path

    report = verify_bundle(bundle)
    assert report.ok, report.problems
    assert [s["trusted"] for s in report.timestamps] == [False]

    report = verify_bundle(bundle, tsa_roots=trust_roots([_write_root(tmp_path, keys.ca_cert)]))
    assert [s["tsa_root_sha256"] for s in report.timestamps] == [_sha256(keys.ca_cert)]
