#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install what xdpdns needs to build, test and benchmark on Debian 12.
# Idempotent: does nothing when every package is already installed.
set -eu

PKGS="clang llvm make gcc pkg-config libbpf-dev libxdp-dev bpftool xdp-tools
libelf-dev zlib1g-dev linux-libc-dev libcmocka-dev libidn2-dev libldns-dev
libcurl4-openssl-dev libmicrohttpd-dev libyaml-dev iproute2 unbound
knot-dnsutils dnsperf tcpdump prometheus libjson-c-dev tmux gnuplot-nox
dnsdist"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "error: missing packages:$missing (run 'make deps' as root)" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
