#!/bin/sh
# Everything the test suite needs, on a fresh Debian-like machine: the package with its test extras,
# the front-end libraries the pages serve, and Debian's Chromium with its driver for the browser tests.
set -eu
cd "$(dirname "$0")/.."
python -m pip install -e '.[test]'
npm ci --prefix service/web/static --no-audit --no-fund
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver
fi
