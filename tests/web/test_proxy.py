"""The portal behind a real https reverse proxy: Debian's nginx, and Caddy running the production
recipe ``deploy/Caddyfile``, each with a self-signed certificate.

``jidi-docs serve --public-url https://localhost:PORT`` listens on loopback over http; nginx
terminates TLS and forwards with ``X-Forwarded-Proto`` and ``X-Forwarded-For``. Checked through
the proxy: cookies are Secure, HttpOnly and SameSite; a login and a state change from the public
origin pass the CSRF origin check, one from a foreign origin does not; links the portal builds
are https on the public address; HSTS is sent; and the login throttling sees the client's
address, not the proxy's, even when the client sends its own X-Forwarded-For.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import sqlite3
import ssl
import subprocess
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from servehelpers import PASSWORD, free_port, running, serving

#: A client address other than the proxy's (the whole 127.0.0.0/8 is loopback on Linux).
CLIENT_ADDRESS = "127.0.0.2"
#: The production recipe's Caddy configuration, run as it is.
CADDYFILE = Path(__file__).resolve().parents[2] / "deploy" / "Caddyfile"

NGINX_CONF = """
{user}
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {dir}/cert.pem;
        ssl_certificate_key {dir}/key.pem;
        client_max_body_size 64m;
        location / {{
            proxy_pass http://127.0.0.1:{backend};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""


def _require(program: str, package: str) -> str:
    found = shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"CI 环境必须安装 {package}（见 scripts/install_system_deps.sh），测试不得跳过")
    pytest.skip(f"{program} is not installed: apt-get install {package}")


@dataclass
class Proxied:
    origin: str  # https://localhost:PORT, the public address
    port: int
    ca: Path
    data: Path


@pytest.fixture(scope="module", params=["nginx", "caddy"])
def proxied(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Proxied]:
    """`jidi-docs serve` on loopback behind nginx or Caddy (TLS, self-signed certificate).

    Caddy runs the production recipe itself, ``deploy/Caddyfile``, with its settings in
    environment variables as the file documents.
    """
    openssl = _require("openssl", "openssl")
    work = tmp_path_factory.mktemp("proxy")
    data = work / "data"
    port, backend = free_port(), free_port()
    origin = f"https://localhost:{port}"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(work / "key.pem"),
            "-out",
            str(work / "cert.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    env = dict(os.environ)
    if request.param == "nginx":
        conf = work / "nginx.conf"
        user = "user root;" if os.geteuid() == 0 else ""  # workers must read this folder
        conf.write_text(NGINX_CONF.format(user=user, dir=work, port=port, backend=backend))
        nginx = _require("nginx", "nginx")
        proxy = [nginx, "-p", str(work), "-c", str(conf), "-g", "daemon off;"]
    else:
        caddy = _require("caddy", "caddy")
        proxy = [caddy, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"]
        env.update(
            JIDI_SITE=origin,
            JIDI_TLS=f"{work / 'cert.pem'} {work / 'key.pem'}",
            JIDI_BACKEND=f"127.0.0.1:{backend}",
            JIDI_CADDY_ADMIN="off",
            JIDI_HTTP_PORT=str(free_port()),
            HOME=str(work),  # Caddy keeps its state under $HOME/.local/share
            XDG_DATA_HOME=str(work / "caddy-data"),
            XDG_CONFIG_HOME=str(work / "caddy-config"),
        )

    server = serving(data, "--public-url", origin, port=backend)
    with server, running(proxy, port, work / "error.log", env):
        yield Proxied(origin, port, work / "cert.pem", data)


class Client:
    """A browser over https through the proxy: cookies kept by hand, no redirects followed."""

    def __init__(self, proxied: Proxied, *, source: str = CLIENT_ADDRESS) -> None:
        self.proxied = proxied
        self.context = ssl.create_default_context(cafile=str(proxied.ca))
        self.source = source
        self.cookies: dict[str, str] = {}
        self.set_cookie: list[str] = []

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPSConnection(
            "localhost",
            self.proxied.port,
            context=self.context,
            source_address=(self.source, 0),
            timeout=120,
        )
        head = {k.replace("_", "-"): v for k, v in headers.items()}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(
                {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            )
            head["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=head)
            response = conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            conn.close()
        self.set_cookie = response.headers.get_all("Set-Cookie") or []
        for line in self.set_cookie:
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return response.status, dict(response.headers.items()), text

    def cookie_line(self, name: str) -> str:
        return next(line for line in self.set_cookie if line.startswith(f"{name}="))

    def post(self, path: str, form: dict[str, str], *, origin: str) -> tuple[int, str, str]:
        status, headers, text = self.request(
            "POST", path, form, Origin=origin, Referer=f"{origin}{path}"
        )
        return status, headers.get("Location", ""), text


def _flags(line: str) -> set[str]:
    return {part.strip().lower() for part in line.split(";")[1:]}


def test_through_https_proxy_cookies_are_secure_and_csrf_trusts_only_the_public_origin(
    proxied: Proxied,
) -> None:
    browser = Client(proxied)

    status, headers, _ = browser.request("GET", "/login/")
    assert status == 200
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert {"secure", "samesite=lax"} <= _flags(browser.cookie_line("csrftoken"))

    status, location, _ = browser.post(
        "/login/", {"username": "office", "password": PASSWORD}, origin=proxied.origin
    )
    assert status == 302, "login through the proxy refused (CSRF origin or host)"
    assert location == "/"
    assert {"secure", "httponly", "samesite=lax"} <= _flags(browser.cookie_line("sessionid"))

    # a state change from the public origin works; the link it makes is https on that origin
    invite = {"role": "base", "district": "西湖区", "base_name": "杭州代理测试基地"}
    status, location, _ = browser.post("/invite/", invite, origin=proxied.origin)
    assert (status, location) == (302, "/")
    _, _, home = browser.request("GET", "/")
    link = re.search(r'class="link" readonly value="([^"]+)"', home).group(1)
    assert link.startswith(f"{proxied.origin}/join/")

    # the same request from another site's page is refused, in Chinese
    status, _, text = browser.post("/invite/", invite, origin="https://evil.example")
    assert status == 403
    assert "请求来源不明" in text


def test_through_the_proxy_throttling_sees_the_client_address_not_a_forged_one(
    proxied: Proxied,
) -> None:
    browser = Client(proxied)
    browser.request("GET", "/login/")

    status, _, _ = browser.request(
        "POST",
        "/login/",
        {"username": "office", "password": "wrong-password-1"},
        Origin=proxied.origin,
        Referer=f"{proxied.origin}/login/",
        X_Forwarded_For="203.0.113.9",  # the client's own claim: nginx appends the real address
    )

    assert status == 200  # the login page again, with the error
    with sqlite3.connect(proxied.data / "portal.sqlite3") as db:
        addresses = {row[0] for row in db.execute("select ip_address from axes_accessattempt")}
    assert addresses == {CLIENT_ADDRESS}


# -- the options ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--host", "0.0.0.0"], "--public-url"),
        (["--public-url", "ftp://申报.example.cn"], "--public-url 应是"),
        (["--public-url", "https://example.cn/portal/"], "不带路径"),
        (["--public-url", "https://example.cn:99999"], "--public-url 应是"),
        (["--database", "mysql://u:secret@db/x"], "--database 只支持"),
    ],
)
def test_options_that_cannot_work_are_refused_in_chinese(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    from typer.testing import CliRunner

    from jidi_docs.cli import app

    result = CliRunner().invoke(app, ["serve", "--data", str(tmp_path / "d"), *args])

    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert "secret" not in result.output


def test_the_public_url_sets_host_origin_and_secure_cookies(tmp_path: Path) -> None:
    from jidi_docs.web._settings import Options, build_settings

    https = build_settings(Options(data_dir=tmp_path, public_url="https://申报.example.cn:8443/"))
    http = build_settings(Options(data_dir=tmp_path, public_url="http://intranet.local"))

    assert https["CSRF_TRUSTED_ORIGINS"] == ["https://xn--4rux62b.example.cn:8443"]
    assert "xn--4rux62b.example.cn" in https["ALLOWED_HOSTS"]
    assert https["SESSION_COOKIE_SECURE"]
    assert https["CSRF_COOKIE_SECURE"]
    assert https["SECURE_HSTS_SECONDS"] > 0
    assert Options(data_dir=tmp_path, public_url="https://x.cn").proxy() == "127.0.0.1"
    assert not http["SESSION_COOKIE_SECURE"]
    assert http["CSRF_TRUSTED_ORIGINS"] == ["http://intranet.local"]


def test_a_database_url_may_name_a_socket_folder_and_libpq_options(tmp_path: Path) -> None:
    from jidi_docs.web._settings import Options, build_settings

    url = "postgresql://jidi:p%40ss@/portal?host=/var/run/postgresql&sslmode=require"
    db = build_settings(Options(data_dir=tmp_path, database_url=url))["DATABASES"]["default"]

    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("portal", "jidi", "p@ss")
    assert db["HOST"] == "/var/run/postgresql"
    assert db["OPTIONS"] == {"sslmode": "require"}
