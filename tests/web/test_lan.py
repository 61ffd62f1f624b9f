"""``serve --lan``: https from the portal itself, trusted through its own local CA.

The server listens on 127.0.0.2 standing for the LAN address (a second loopback address: the
test sends nothing off this machine). Debian's chromium is started with a home folder of its
own whose NSS database (``~/.pki/nssdb``, where Chromium on Linux keeps trusted certificates)
holds the portal's CA, added with ``certutil`` as a user following the /ca/ page would; a
chromium without it refuses the site, so the trust is what makes the difference. Through it the
office logs in, makes an invitation whose link is on the LAN address, and a base joins with it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
import shutil
import ssl
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servehelpers import PASSWORD, create_office, free_port, running, serve_command

LAN = "127.0.0.2"


def _certutil() -> str:
    found = shutil.which("certutil")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("CI 环境必须安装 libnss3-tools（certutil，见 scripts/install_system_deps.sh）")
    pytest.skip("certutil is not installed: apt-get install libnss3-tools")


@pytest.fixture(scope="module")
def lan_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`jidi-docs serve --lan` on 127.0.0.2; yields (origin, data folder)."""
    from browserhelpers import require_browser

    require_browser()
    data = tmp_path_factory.mktemp("lan") / "data"
    env = create_office(data)
    port = free_port()
    command = [*serve_command(data), "--lan", "--host", LAN, "--port", str(port), "--jobs", "1"]
    log = data.parent / "server.log"
    with running(command, port, log, env, host=LAN):
        yield f"https://{LAN}:{port}", data


def _trusting_home(home: Path, ca: Path | None) -> dict[str, str]:
    """A home folder whose NSS database trusts `ca` (none: an empty database)."""
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    certutil = _certutil()
    subprocess.run([certutil, "-N", "-d", f"sql:{nssdb}", "--empty-password"], check=True)
    if ca is not None:
        subprocess.run(
            [certutil, "-A", "-d", f"sql:{nssdb}", "-n", "jidi-docs", "-t", "C,,", "-i", str(ca)],
            check=True,
        )
    return {**os.environ, "HOME": str(home)}


def _chromium(browser: Any, env: dict[str, str]) -> Any:
    from browserhelpers import CHROMIUM, CHROMIUM_ARGS

    return browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)


def test_a_browser_that_trusts_the_local_ca_uses_the_portal_and_its_lan_links(
    lan_server: tuple[str, Path], browser: Any, tmp_path: Path
) -> None:
    from browserhelpers import login

    origin, data = lan_server
    untrusting = _chromium(browser, _trusting_home(tmp_path / "plain", None))
    trusting = _chromium(browser, _trusting_home(tmp_path / "trust", data / "tls" / "ca.crt"))
    try:
        page = untrusting.new_page()
        with pytest.raises(Exception, match="ERR_CERT_AUTHORITY_INVALID"):
            page.goto(f"{origin}/login/")

        office = trusting.new_context().new_page()
        login(office, origin, "office", PASSWORD)
        office.wait_for_url(f"{origin}/")
        office.fill('input[name="base_name"]', "局域网测试基地")
        office.click("text=创建邀请链接")
        link = office.input_value("input.link")
        assert link.startswith(f"{origin}/join/")

        base = trusting.new_context().new_page()
        base.goto(link)
        base.fill('input[name="username"]', "lan-base")
        base.fill('input[name="password"]', "Zq9-局域网-passphrase")
        base.fill('input[name="password2"]', "Zq9-局域网-passphrase")
        base.click('button[type="submit"]')
        base.wait_for_url(f"{origin}/")
        assert "局域网测试基地" in base.content()
        cookies = {c["name"]: c for c in base.context.cookies()}
        assert cookies["sessionid"]["secure"]
        assert cookies["sessionid"]["httpOnly"]

        ca_page = trusting.new_page()
        ca_page.goto(f"{origin}/ca/")
        text = ca_page.inner_text("main")
        for system in ("Windows", "macOS", "Android", "iPhone"):
            assert system in text
        assert ca_page.inner_text("code.fingerprint").count(":") == 31
    finally:
        untrusting.close()
        trusting.close()


def test_the_ca_download_and_the_certificates_are_what_systems_install(
    lan_server: tuple[str, Path],
) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    origin, data = lan_server
    context = ssl.create_default_context(cafile=str(data / "tls" / "ca.crt"))
    with urllib.request.urlopen(f"{origin}/ca.crt", context=context, timeout=60) as response:
        der = response.read()
        kind = response.headers["Content-Type"]
        disposition = response.headers["Content-Disposition"]
    ca = x509.load_der_x509_certificate(der)
    server = x509.load_pem_x509_certificate((data / "tls" / "server.crt").read_bytes())

    assert kind == "application/x-x509-ca-cert"
    assert disposition.startswith("attachment")
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    permitted = ca.extensions.get_extension_for_class(x509.NameConstraints).value
    networks = {n.value for n in permitted.permitted_subtrees if isinstance(n, x509.IPAddress)}
    assert ipaddress.ip_network("192.168.0.0/16") in networks
    assert ipaddress.ip_network("8.8.8.0/24") not in networks  # no public site can be vouched for
    san = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address(LAN)]
    assert server.not_valid_after_utc - server.not_valid_before_utc <= dt.timedelta(days=398)
    assert (data / "tls" / "ca.key").stat().st_mode & 0o077 == 0
    fingerprint = ca.fingerprint(hashes.SHA256()).hex(":").upper()
    log = (data.parent / "server.log").read_text(encoding="utf-8")
    assert fingerprint in log  # the clerk's console shows what the /ca/ page asks to compare
    assert f"{origin}/join/…" in log


def test_a_new_address_gets_a_new_server_certificate_from_the_same_ca(tmp_path: Path) -> None:
    from jidi_docs.web._tls import ensure_certificates

    first = ensure_certificates(tmp_path, "192.168.1.20")
    first_server = first.certificate.read_bytes()
    ca = first.ca.read_bytes()
    same = ensure_certificates(tmp_path, "192.168.1.20")
    assert same.certificate.read_bytes() == first_server  # kept while valid for the address

    moved = ensure_certificates(tmp_path, "192.168.1.21")

    assert moved.certificate.read_bytes() != first_server
    assert _ip_of(moved.certificate) == "192.168.1.21"
    assert moved.ca.read_bytes() == ca  # nobody has to trust anything again
    assert moved.fingerprint == first.fingerprint


def _ip_of(path: Path) -> str:
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(path.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return str(san.get_values_for_type(x509.IPAddress)[0])


def test_lan_links_go_to_the_lan_address_whatever_address_the_office_uses(tmp_path: Path) -> None:
    from jidi_docs.web._settings import Options, build_settings

    settings = build_settings(Options(data_dir=tmp_path, host="192.168.1.20", port=8443, lan=True))

    assert settings["PORTAL_PUBLIC_ORIGIN"] == "https://192.168.1.20:8443"
    assert settings["CSRF_TRUSTED_ORIGINS"] == ["https://192.168.1.20:8443"]
    assert settings["SESSION_COOKIE_SECURE"]
    assert settings["SECURE_PROXY_SSL_HEADER"] is None  # no proxy: nobody's header is believed
    assert re.fullmatch(r"https://[\d.]+:\d+", settings["PORTAL_PUBLIC_ORIGIN"])
