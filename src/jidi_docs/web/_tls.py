"""``serve --lan``: https on the local network with certificates of the portal's own local CA.

Why a local CA, not a self-signed server certificate: each base trusts the CA once (its
certificate is downloadable from the portal, with Chinese steps for Windows, macOS, Android and
iOS); the server certificate can then be renewed, or made for a new address, without anyone
trusting anything again. The CA is limited by X.509 name constraints to private-network and
loopback addresses (and the portal's own address): its key, if ever stolen from the data folder,
cannot vouch for any public web site.

Why cheroot serves https here (waitress, the portal's server otherwise, has no TLS): cheroot is
the pure-Python WSGI server of the CherryPy project, maintained for two decades, on PyPI with
wheels for every platform, and speaks TLS through Python's own ``ssl`` module. A clerk needs
nothing else installed and no proxy to configure; for a production server behind a real domain
a reverse proxy stays the better choice (``deploy/``).

The files live in ``DIR/tls/``: ``ca.crt``/``ca.key`` (made once) and ``server.crt``/
``server.key`` (made again when the address changes or less than 30 days are left).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "LanCertificates",
    "ca_certificate_der",
    "ensure_certificates",
    "lan_address",
    "tls_server",
]

_CA_YEARS = 10
_SERVER_DAYS = 397  # the longest any browser accepts for a server certificate
_RENEW_DAYS = 30
#: Addresses the local CA may vouch for: private networks (RFC 1918, RFC 6598, RFC 4193),
#: link-local and loopback.
_PRIVATE = (
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "169.254.0.0/16",
    "127.0.0.0/8",
    "fc00::/7",
    "fe80::/10",
    "::1/128",
)


@dataclass(frozen=True)
class LanCertificates:
    """The files ``--lan`` serves with, and the CA's fingerprint people compare."""

    ca: Path
    certificate: Path
    key: Path
    fingerprint: str  # SHA-256 of the CA certificate, as 12:AB:… (what Windows and macOS show)


def lan_address() -> str | None:
    """This computer's address on its local network (a private IPv4 address), or None.

    Read from the network interfaces (nothing is sent anywhere). When there are several, an
    address of a 192.168/16 network goes first, then 10/8, then 172.16/12: the order in which
    office networks use them.
    """
    import psutil

    found = []
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family != socket.AF_INET:
                continue
            ip = ipaddress.ip_address(address.address)
            if ip.is_private and not ip.is_loopback and not ip.is_link_local:
                found.append(ip)
    order = [ipaddress.ip_network(n) for n in ("192.168.0.0/16", "10.0.0.0/8", "172.16.0.0/12")]
    found.sort(key=lambda ip: next((i for i, n in enumerate(order) if ip in n), len(order)))
    return str(found[0]) if found else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _write_pair(cert_path: Path, key_path: Path, cert: Any, key: Any) -> None:
    """Write a certificate and its private key (PEM); the key readable by the owner only."""
    from cryptography.hazmat.primitives import serialization

    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _key_usage(**granted: bool) -> Any:
    """X.509 key usage with the `granted` uses on and every other one off (the class wants all
    nine named)."""
    from cryptography import x509

    uses = (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    )
    return x509.KeyUsage(**{**dict.fromkeys(uses, False), **granted})


def _ca(folder: Path, address: str) -> tuple[Any, Any]:
    """Return the CA certificate and key, making them the first time."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    cert_path, key_path = folder / "ca.crt", folder / "ca.key"
    if cert_path.is_file() and key_path.is_file():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        return cert, key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "培训基地认定申报网页版"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"jidi-docs 本地证书 {socket.gethostname()}"),
        ]
    )
    networks = {ipaddress.ip_network(n) for n in _PRIVATE}
    own = ipaddress.ip_network(address)
    if not any(own.subnet_of(n) for n in networks if n.version == own.version):  # type: ignore[arg-type]
        networks.add(own)  # a public address the office network uses
    constraints = x509.NameConstraints(
        permitted_subtrees=[x509.IPAddress(n) for n in sorted(networks, key=str)]
        + [x509.DNSName("invalid")],  # no host names: only addresses
        excluded_subtrees=None,
    )
    now = _now()
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * _CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            _key_usage(digital_signature=True, key_cert_sign=True, crl_sign=True), critical=True
        )
        .add_extension(constraints, critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_pair(cert_path, key_path, cert, key)
    return cert, key


def ensure_certificates(data_dir: Path, address: str) -> LanCertificates:
    """Return the certificates for serving https on `address`, making what is missing or old."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder = data_dir / "tls"
    folder.mkdir(exist_ok=True)
    ca_cert, ca_key = _ca(folder, address)
    cert_path, key_path = folder / "server.crt", folder / "server.key"
    ip = ipaddress.ip_address(address)
    fingerprint = ca_cert.fingerprint(hashes.SHA256()).hex(":").upper()
    if cert_path.is_file() and key_path.is_file():
        current = x509.load_pem_x509_certificate(cert_path.read_bytes())
        names = current.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        fresh = current.not_valid_after_utc - _now() > dt.timedelta(days=_RENEW_DAYS)
        if fresh and names.get_values_for_type(x509.IPAddress) == [ip]:
            return LanCertificates(folder / "ca.crt", cert_path, key_path, fingerprint)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = _now()
    cert = (
        x509.CertificateBuilder()
        # No common name: OpenSSL reads a CN like "192.168.1.20" as a host name and holds it
        # to the CA's host-name constraint; browsers read the address from the SAN alone.
        .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "jidi-docs")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=_SERVER_DAYS))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ip)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, key_encipherment=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write_pair(cert_path, key_path, cert, key)
    return LanCertificates(folder / "ca.crt", cert_path, key_path, fingerprint)


def ca_certificate_der(data_dir: Path) -> bytes | None:
    """The local CA's certificate in DER form (what Windows, Android and iOS install), or None."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    path = data_dir / "tls" / "ca.crt"
    if not path.is_file():
        return None
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    return cert.public_bytes(serialization.Encoding.DER)


def tls_server(
    app: Any, host: str, port: int, certs: LanCertificates, *, threads: int, upload_mb: int
) -> Any:
    """Return cheroot's WSGI server for `app` on `host`:`port` over TLS, bound (not yet serving).

    Raises:
        OSError: the address cannot be bound (port in use, address not on this machine).
    """
    from cheroot import wsgi
    from cheroot.ssl.builtin import BuiltinSSLAdapter

    from ._errors import chinese_tls_server_errors

    server = wsgi.Server((host, port), app, numthreads=threads, server_name="jidi-docs")
    server.ssl_adapter = BuiltinSSLAdapter(str(certs.certificate), str(certs.key))
    server.max_request_body_size = upload_mb * 1024 * 1024
    chinese_tls_server_errors(server, upload_mb)
    server.prepare()  # binds the socket: a busy port fails here, before anything is announced
    return server
