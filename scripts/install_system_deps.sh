#!/usr/bin/env bash
# Install what PDF conversion needs (LibreOffice Writer, Simplified-Chinese fonts, poppler, qpdf)
# when it is missing and apt-get can be used. Rendering Word forms needs none of it.
set -u
need=()
command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
fc-list 2>/dev/null | grep -q "Noto Serif CJK SC" || need+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
[ ${#need[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi
  if [ "$SUDO" != none ]; then
    echo "正在安装：${need[*]}（用于转换 PDF，约需 1 分钟）"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
    exit $?
  fi
fi
echo "提示：缺少 ${need[*]}。生成 Word 表格不受影响；要转换 PDF，请先安装它们，例如："
echo "  sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk poppler-utils qpdf"
if [ -n "${CI:-}" ]; then
  echo "CI 环境中必须安装这些软件。" >&2
  exit 1
fi
exit 0
