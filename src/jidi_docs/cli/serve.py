"""``jidi-docs serve``: the web portal (needs the optional extra ``jidi-docs[web]``)."""

from __future__ import annotations

import getpass
import importlib
import os
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

import typer

from ._common import app, err_console, out_console


def _portal() -> ModuleType:
    """Return `jidi_docs.web`, or exit with the install hint when the web extra is missing.

    Why by name: the portal is the top layer (it builds on everything, the CLI included) and an
    optional extra; the command line only hands the options over and never depends on it.
    """
    try:
        return importlib.import_module("jidi_docs.web")
    except ImportError:  # pragma: no cover - depends on the installation
        err_console.print(
            "错误：网页版需要额外的组件，请先安装：pip install 'jidi-docs[web]'", markup=False
        )
        raise typer.Exit(1) from None


@app.command("serve")
def serve_cmd(
    data: Annotated[
        Path,
        typer.Option(
            "--data", metavar="文件夹", help="数据文件夹：数据库、上传的佐证材料、生成的申报材料"
        ),
    ] = Path("门户数据"),
    host: Annotated[
        str, typer.Option("--host", metavar="地址", help="监听地址；127.0.0.1 只允许本机访问")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="端口", help="端口")] = 8000,
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
            help="在局域网上用 http（不加密）提供服务；默认非本机地址要求 https（放在反向代理后面）",
        ),
    ] = False,
    smtp: Annotated[
        str | None,
        typer.Option(
            "--smtp",
            metavar="地址",
            help="发送通知邮件的 SMTP 服务器，如 smtps://用户:密码@smtp.example.cn:465?from=发件地址"
            "（也可用环境变量 JIDI_SMTP_URL）；不设置时只在网页内通知",
        ),
    ] = None,
    create_admin: Annotated[
        str | None,
        typer.Option(
            "--create-admin",
            metavar="用户名",
            help="创建（或重设密码）全市范围的管理员账号后退出；密码从环境变量 JIDI_ADMIN_PASSWORD 读取，未设置时询问",
        ),
    ] = None,
) -> None:
    """启动网页版：培训基地在浏览器里填写申报，综试办审核、填写审核意见、下载汇总表。

    例子：jidi-docs serve --data 门户数据
    """
    web = _portal()
    options: Any = web.Options(
        data_dir=data,
        host=host,
        port=port,
        # environment variables keep a database password out of the process list
        database_url=database or os.environ.get("JIDI_DATABASE_URL") or None,
        max_conversions=jobs,
        plain_http=plain_http,
        public_url=public_url or os.environ.get("JIDI_PUBLIC_URL") or None,
        trusted_proxy=trusted_proxy or os.environ.get("JIDI_TRUSTED_PROXY") or None,
        smtp_url=smtp or os.environ.get("JIDI_SMTP_URL") or None,
    )
    try:
        web.check_options(options)
    except ValueError as e:
        err_console.print(f"错误：{e}", markup=False)
        raise typer.Exit(2) from None

    if create_admin:
        password = os.environ.get("JIDI_ADMIN_PASSWORD") or getpass.getpass("管理员密码：")
        if len(password) < 10:
            err_console.print("错误：密码至少 10 位。", markup=False)
            raise typer.Exit(1)
        web.create_admin(options, create_admin, password)
        out_console.print(f"已创建管理员“{create_admin}”（审核范围：全市）。", markup=False)
        return
    address = options.public_url or f"http://{host}:{port}/"
    out_console.print(f"网页版已启动：{address} （按 Ctrl-C 停止）", markup=False)
    out_console.print(web.mail_line(options), markup=False)
    try:
        web.serve(options)
    except KeyboardInterrupt:
        out_console.print("已停止。", markup=False)
