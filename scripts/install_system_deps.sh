#!/usr/bin/env bash
# Install, when missing and apt-get can be used, the programs jidi-docs drives besides Python.
#
#   bash scripts/install_system_deps.sh demo   what `make demo` needs to turn the example into
#                                              its PDF: LibreOffice Writer, the Simplified-Chinese
#                                              fonts, the Latin serif of the page numbers
#   bash scripts/install_system_deps.sh [test] all of the above, and what the tests drive
#                                              (`make test`, .ci/run): LibreOffice Calc, poppler,
#                                              qpdf, Ghostscript, python3-uno, the GBK locale's
#                                              sources, Node.js/npm with the pinned
#                                              yaml-language-server (scripts/node/, installed into
#                                              .cache/node), Chromium, PostgreSQL, nginx, Caddy,
#                                              certutil and systemd-analyze
#
# Rendering Word forms needs none of it.
set -u
cd "$(dirname "$0")/.."
mode="${1:-test}"
case "$mode" in
  demo|test) ;;
  *) echo "用法：bash scripts/install_system_deps.sh [demo|test]" >&2; exit 2 ;;
esac
need=()
# -- what the demo needs: LibreOffice Writer and fonts ---------------------------------------------
command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
fc-list 2>/dev/null | grep -q "Noto Serif CJK SC" || need+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -q "Liberation Serif" || need+=(fonts-liberation2)  # page numbers
if [ "$mode" = test ]; then
  # -- what the tests drive besides ----------------------------------------------------------------
  # The tests print the 汇总表.xlsx through LibreOffice Calc (Debian packages it apart from Writer).
  ls /usr/lib/libreoffice/program/libsclo.so >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
  # The warm converter (LibreOffice kept running) drives it from Debian's Python over UNO.
  [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || need+=(python3-uno)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
  command -v gs >/dev/null 2>&1 || need+=(ghostscript)  # bundle --pdfa
  # The tests generate the zh_CN.GBK locale (a Chinese server's) with localedef from these sources.
  [ -f /usr/share/i18n/charmaps/GBK.gz ] && [ -f /usr/share/i18n/locales/zh_CN ] || need+=(locales)
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  # The portal tests start a throwaway PostgreSQL cluster (initdb, pg_ctl: Debian keeps them off
  # PATH) and put the portal behind nginx with a self-signed certificate (openssl).
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need+=(postgresql)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
  command -v openssl >/dev/null 2>&1 || need+=(openssl)
  # serve --lan is tested from chromium trusting the portal's CA in its own NSS database
  # (certutil); the production recipe in deploy/ is checked with systemd-analyze and run with Caddy.
  command -v certutil >/dev/null 2>&1 || need+=(libnss3-tools)
  command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
  command -v caddy >/dev/null 2>&1 || need+=(caddy)
fi
if [ "$mode" = demo ]; then
  what="用于把 Word 表格转换成 PDF，约需 1 分钟"
else
  what="用于转换 PDF 和运行测试，约需 1–2 分钟"
fi
status=0

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi
  if command -v apt-get >/dev/null 2>&1 && [ "$SUDO" != none ]; then
    echo "正在安装：${need[*]}（${what}）"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null || status=1
  else
    echo "提示：缺少 ${need[*]}（${what%%，*}）。生成 Word 表格不受影响。可以这样安装："
    echo "  sudo apt-get install ${need[*]}"
    status=1
  fi
fi

# yaml-language-server and axe-core at the versions in scripts/node/package-lock.json, local to this
# checkout.
tools=.cache/node
if [ "$mode" = demo ]; then
  :  # the demo needs no Node.js
elif command -v npm >/dev/null 2>&1; then
  if ! cmp -s scripts/node/package-lock.json "$tools/package-lock.json" \
      || [ ! -x "$tools/node_modules/.bin/yaml-language-server" ] \
      || [ ! -f "$tools/node_modules/axe-core/axe.min.js" ]; then
    echo "正在安装测试用的 Node 工具（yaml-language-server、axe-core，见 scripts/node/package.json）"
    mkdir -p "$tools"
    cp scripts/node/package.json scripts/node/package-lock.json "$tools/"
    npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error >/dev/null || status=1
  fi
else
  status=1
fi

if [ $status -ne 0 ] && [ -n "${CI:-}" ]; then
  echo "CI 环境中必须安装这些软件。" >&2
  exit 1
fi
exit 0
