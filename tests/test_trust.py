"""The CAs a connection trusts: the system's hashed directory, read per certificate as a chain
needs it, where there is one; the bundle (or the CAs the environment names) elsewhere. Checked
against an https server on loopback whose CA is, or is not, in the directory."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import trustme

from claude_beacon.net import transport, trust
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer

IN_CI = os.environ.get("CI") == "true"


def paths(capath: str | None, openssl_capath: str = "/nonexistent") -> ssl.DefaultVerifyPaths:
    return ssl.DefaultVerifyPaths(
        None, capath, "SSL_CERT_FILE", None, "SSL_CERT_DIR", openssl_capath
    )


def hashed(ca: trustme.CA, directory: Path) -> Path:
    """``directory`` holding ``ca`` under the name OpenSSL looks it up by (``openssl rehash``)."""
    if shutil.which("openssl") is None:
        if IN_CI:
            pytest.fail("openssl is needed to name a CA by its hash")
        pytest.skip("openssl is needed to name a CA by its hash")
    directory.mkdir()
    pem = directory / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    name = subprocess.run(
        ["openssl", "x509", "-hash", "-noout", "-in", str(pem)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    pem.rename(directory / f"{name}.0")
    return directory


@pytest.fixture
def https(ca: trustme.CA) -> Iterator[StatuspageServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with StatuspageServer(tls=context) as server:
        server.set_summary(payloads.summary())
        yield server


@pytest.fixture
def fresh_contexts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transport, "_contexts", {})
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


def test_a_directory_named_by_hash_is_chosen_and_a_bundle_only_one_is_not(tmp_path: Path) -> None:
    if not sys.platform.startswith(trust.SYSTEMS):
        pytest.skip("hashed CA directories are looked for on Linux and the BSDs only")
    bundle_only, with_hashes = tmp_path / "bundle", tmp_path / "hashed"
    bundle_only.mkdir()
    (bundle_only / "ca-bundle.crt").write_text("")
    with_hashes.mkdir()
    (with_hashes / "README").write_text("")
    (with_hashes / "5ad8a5d6.0").write_text("")
    assert trust.hashed_directory(paths(str(bundle_only))) is None
    assert trust.hashed_directory(paths(str(tmp_path / "missing"))) is None
    assert trust.hashed_directory(paths(None, str(with_hashes))) == str(with_hashes)
    assert trust.hashed_directory(paths(str(bundle_only), str(with_hashes))) == str(with_hashes)


def test_the_environments_ca_variables_are_honoured_as_before(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for variable in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)
        monkeypatch.setenv(variable, str(tmp_path))
        assert trust.system_directory() is None


@pytest.mark.usefixtures("fresh_contexts")
def test_a_server_whose_ca_is_in_the_directory_is_trusted_and_another_is_not(
    https: StatuspageServer, ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = hashed(ca, tmp_path / "ours")
    monkeypatch.setattr(trust, "system_directory", lambda: str(ours))
    with transport.client(timeout=5) as client:
        assert client.get(f"{https.url}/api/v2/summary.json").json()["status"]["indicator"] == (
            "none"
        )

    monkeypatch.setattr(transport, "_contexts", {})
    others = hashed(trustme.CA(), tmp_path / "others")
    monkeypatch.setattr(trust, "system_directory", lambda: str(others))
    with transport.client(timeout=5) as client, pytest.raises(httpx.ConnectError) as refused:
        client.get(f"{https.url}/api/v2/summary.json")
    assert "CERTIFICATE_VERIFY_FAILED" in str(refused.value)

    # The probes' context for the system's CAs comes from the same directory.
    monkeypatch.setattr(transport, "_contexts", {})
    monkeypatch.setattr(trust, "system_directory", lambda: str(ours))
    assert transport.trusted().cert_store_stats()["x509_ca"] == 0  # nothing read up front
