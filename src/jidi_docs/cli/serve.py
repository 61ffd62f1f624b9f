"""``jidi-docs serve``: the web portal (needs the optional extra ``jidi-docs[web]``).

Everything ``serve`` reports as running is running: the web extra, the data folder, an
administrator and the address are checked first, and any of them missing stops the command with
a Chinese message saying what to do (no traceback, nothing announced).
"""

from __future__ import annotations

import getpass
import importlib
import os
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

import typer

from ._common import app, err_console, handle_errors, out_console


def _portal(*, postgresql: bool) -> ModuleType:
    """Return `jidi_docs.web`, or exit with the exact install command when the extra is missing.

    Why by name: the portal is the top layer (it builds on everything, the CLI included) and an
    optional extra; the command line only hands the options over and never depends on it.
    """
    web = importlib.import_module("jidi_docs.web")
    missing = web.missing_modules(postgresql=postgresql)
    if missing:
        err_console.print(
            f"错误：网页版需要额外的组件（缺少 {'、'.join(missing)}），请先安装：\n"
            f"  {web.install_command()}\n"
            "然后重新运行这个命令。",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
    return web


def _ask_password(username: str) -> str:
    """The administrator's password: from JIDI_ADMIN_PASSWORD, or asked twice on the console."""
    password = os.environ.get("JIDI_ADMIN_PASSWORD")
    if password:
        return password
    first = getpass.getpass(f"请为“{username}”设置密码（至少 10 位，不显示）：")
    second = getpass.getpass("再输入一次：")
    if first != second:
        err_console.print("错误：两次输入的密码不一致，什么也没有改。", markup=False)
        raise typer.Exit(1)
    return first


def _announce(options: Any, info: dict[str, str], mail: str) -> None:
    """What the clerk needs once the portal runs: folder, addresses, how links look, mail."""
    local = f"http://{options.host}:{options.port}/"
    # as the clerk typed it (a Chinese host name, not its punycode)
    origin = options.public_url.strip().rstrip("/") if options.public_url else options.origin()
    lines = ["网页版已启动（按 Ctrl-C 停止）。", f"  数据文件夹：{info['data_dir']}"]
    if origin:
        lines += [
            f"  培训基地和综试办使用的地址：{origin}/",
            f"  邀请链接的样子：{origin}/join/…（在“首页 → 邀请”中生成）",
        ]
    else:
        lines += [
            f"  地址：{local}（只有这台电脑能打开）",
            (
                f"  邀请链接的样子：{local}join/…，在别的电脑上打不开。让培训基地从自己的电脑"
                "访问，请用 --lan（局域网，自动提供 https）或放在 https 反向代理之后（--public-url）。"
            ),
        ]
    lines.append(f"  {mail}")
    if "fingerprint" in info:
        lines += [
            f"  第一次使用的电脑和手机请先打开 {origin}/ca/ 安装本机证书，",
            f"  证书指纹（SHA-256）：{info['fingerprint']}",
        ]
    out_console.print("\n".join(lines), markup=False, soft_wrap=True)
    out_console.file.flush()  # a log file or a service's journal gets it now, not at exit


@app.command("serve")
@handle_errors
def serve_cmd(
    data: Annotated[
        Path,
        typer.Option(
            "--data", metavar="文件夹", help="数据文件夹：数据库、上传的佐证材料、生成的申报材料"
        ),
    ] = Path("门户数据"),
    host: Annotated[
        str | None,
        typer.Option(
            "--host",
            metavar="地址",
            help="监听地址；默认 127.0.0.1（只允许本机访问），加 --lan 时默认本机的局域网地址",
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option("--port", metavar="端口", help="端口；默认 8000，加 --lan 时默认 8443"),
    ] = None,
    lan: Annotated[
        bool,
        typer.Option(
            "--lan",
            help="在局域网上用 https 提供服务（自动生成证书；其他电脑和手机按 /ca/ 页面的说明安装一次本机证书）",
        ),
    ] = False,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            metavar="地址",
            help="数据库地址，如 postgresql://用户:密码@主机/库名；默认使用数据文件夹里的 SQLite",
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", metavar="数量", help="同时运行的 LibreOffice 转换数量上限"),
    ] = 2,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            metavar="地址",
            help="放在 https 反向代理之后时，用户在浏览器中输入的地址（协议、主机名和端口）",
        ),
    ] = None,
    trusted_proxy: Annotated[
        str | None,
        typer.Option(
            "--trusted-proxy",
            metavar="地址",
            help="反向代理的 IP 地址，只相信它转发的来源地址和协议；默认 127.0.0.1（本机）",
        ),
    ] = None,
    plain_http: Annotated[
        bool,
        typer.Option(
            "--plain-http",
            help="在局域网上用 http（不加密）提供服务；默认非本机地址要求 https（--lan 或反向代理）",
        ),
    ] = False,
    smtp: Annotated[
        str | None,
        typer.Option(
            "--smtp",
            metavar="地址",
            help="发送通知邮件的 SMTP 服务器，如 smtps://用户:密码@邮件服务器:465（发件地址等写法见"
            "网页版部署文档）；也可用环境变量 JIDI_SMTP_URL；不设置时只在网页内通知",
        ),
    ] = None,
    create_admin: Annotated[
        str | None,
        typer.Option(
            "--create-admin",
            metavar="用户名",
            help="创建（或重设密码）全市范围的管理员账号后退出；密码从环境变量 JIDI_ADMIN_PASSWORD 读取，未设置时询问两次",
        ),
    ] = None,
    backup: Annotated[
        Path | None,
        typer.Option(
            "--backup",
            metavar="文件",
            help="把数据库和全部文件备份到一个压缩包文件后退出（网页版运行时也可以）",
        ),
    ] = None,
    restore: Annotated[
        Path | None,
        typer.Option(
            "--restore",
            metavar="文件",
            help="把 --backup 做的备份恢复到 --data 指定的空文件夹（或新的空数据库）后退出",
        ),
    ] = None,
) -> None:
    """启动网页版：培训基地在浏览器里填写申报，综试办审核、填写审核意见、下载汇总表。

    例子：jidi-docs serve --data 门户数据 --lan
    """
    database = database or os.environ.get("JIDI_DATABASE_URL") or None
    web = _portal(postgresql=bool(database and database.startswith("postgres")))
    if lan and host is None:
        host = web.lan_address()
        if host is None:
            err_console.print(
                "错误：没有找到这台电脑的局域网地址（未连接网络？）。请连接网络后重试，"
                "或用 --host 写明地址，如 --host 192.168.1.20。",
                markup=False,
            )
            raise typer.Exit(1)
    options: Any = web.Options(
        data_dir=data,
        host=host or "127.0.0.1",
        port=port or (8443 if lan else 8000),
        # environment variables keep a database password out of the process list
        database_url=database,
        max_conversions=jobs,
        plain_http=plain_http,
        public_url=public_url or os.environ.get("JIDI_PUBLIC_URL") or None,
        trusted_proxy=trusted_proxy or os.environ.get("JIDI_TRUSTED_PROXY") or None,
        lan=lan,
        smtp_url=smtp or os.environ.get("JIDI_SMTP_URL") or None,
    )
    try:
        web.check_options(options)
    except ValueError as e:
        err_console.print(f"错误：{e}", markup=False)
        raise typer.Exit(2) from None

    if sum(map(bool, (create_admin, backup, restore))) > 1:
        err_console.print(
            "错误：--create-admin、--backup、--restore 每次只能用一个。", markup=False
        )
        raise typer.Exit(2)
    if create_admin:
        web.check_admin_name(options, create_admin)
        web.create_admin(options, create_admin, _ask_password(create_admin))
        out_console.print(
            f"已设置管理员“{create_admin}”（审核范围：全市），数据文件夹：{data.resolve()}。\n"
            f'启动：jidi-docs serve --data "{data.resolve()}"',
            markup=False,
            soft_wrap=True,
        )
        return
    if backup:
        summary = web.backup(options, backup)
        out_console.print(
            f"已备份到 {backup.resolve()}：{summary['files']} 个文件，"
            f"{summary['versions']} 个提交版本。",
            markup=False,
            soft_wrap=True,
        )
        if summary["database"] == "missing":
            err_console.print(
                "注意：没有找到 pg_dump（PostgreSQL 客户端），备份里只有文件，没有数据库。"
                "请安装 PostgreSQL 客户端后重新备份，或用数据库自己的工具另行备份。",
                markup=False,
                soft_wrap=True,
            )
        return
    if restore:
        summary = web.restore(options, restore)
        if summary["database"] == "missing":
            err_console.print(
                "注意：这个备份里没有数据库（备份时没有 pg_dump），只恢复了文件；"
                "数据库请用 PostgreSQL 自己的工具恢复。",
                markup=False,
                soft_wrap=True,
            )
        out_console.print(
            f"已恢复到数据文件夹 {data.resolve()}：{summary['files']} 个文件，"
            f"{summary['versions']} 个提交版本，全部与备份清单核对一致。",
            markup=False,
            soft_wrap=True,
        )
        return
    try:
        web.serve(options, on_ready=lambda info: _announce(options, info, web.mail_line(options)))
    except KeyboardInterrupt:
        out_console.print("已停止。", markup=False)
