#!/usr/bin/env bash
# Installs everything the test suite needs: the package with its test extras, and the IMAP server
# (Debian's dovecot-imapd) that the delivery tests start on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -e ".[test]"
if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq dovecot-imapd >/dev/null
    else
        echo "note: dovecot-imapd is not installed; the IMAP tests will fail" >&2
    fi
fi
