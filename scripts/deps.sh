#!/bin/sh
# scripts/deps.sh: install the Debian 12 packages cohort needs to build and
# test, when any is missing.  Runs apt-get as root, or through sudo.
set -e
# libpq-dev: data postgres; postgresql: tests/pg.sh starts a real server
# chromium: tests/report/browser.sh opens report.html headless (it skips without it)
# nettle-dev: SHA-256 of the inputs (results.json)
# python3-docx, unzip: tests/docx.sh reads tables.docx back
pkgs="gcc make autoconf automake libtool pkg-config bison flex libffi-dev nettle-dev libcunit1-dev r-mathlib r-base-core r-cran-jsonlite libpq-dev postgresql libcairo2-dev libfontconfig-dev libpng-dev fonts-dejavu-core mandoc groff-base chromium python3-docx unzip"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
