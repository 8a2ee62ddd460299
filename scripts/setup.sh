#!/usr/bin/env bash
# One set-up for `make up`, `make test` and friends: Debian packages, the
# venv, a Docker engine, the base image and the CA certificates for image
# builds. Every step checks first, so a second run only verifies.
#
# Usage: scripts/setup.sh [extra package group...]   (groups: bench)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

VENV=${VENV:-$ROOT/.venv}
STATE_DIR=$ROOT/.localcloud
BASE_IMAGE=debian:trixie-slim
# Build contexts that receive the host's extra CA certificates.
CERT_DIRS=(app/certs lambda/runtime/certs docker/webhost/certs)

# Debian packages by purpose; `bench` is only installed on request.
PACKAGES_CORE=(mariadb-server mariadb-client chromium libnss3-tools fonts-dejavu-core graphviz git curl ca-certificates)
PACKAGES_BENCH=(libvips-tools wrk)

STEPS=6
step=0
next() { step=$((step + 1)); say "[$step/$STEPS] $*"; }

require_debian_root() {
  command -v apt-get >/dev/null ||
    die "apt-get not found. The set-up supports Debian 12 and 13; on other systems install the packages listed in scripts/setup.sh by hand."
  [ "$(id -u)" -eq 0 ] ||
    die "The set-up installs Debian packages and starts dockerd, so it must run as root (try: sudo make $*)."
}

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || echo "$pkg"
  done
}

apt_install() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  if [ "${#missing[@]}" -eq 0 ]; then
    ok "all present"
    return
  fi
  info "installing: ${missing[*]}"
  # Keep services we install from starting on their own (MariaDB would take
  # port 3306 from the local cloud); the local cloud starts its own.
  local own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  apt-get update -qq >/dev/null || warn "apt-get update reported errors; trying the install anyway"
  local rc=0
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
  [ "$own_policy" -eq 0 ] || rm -f /usr/sbin/policy-rc.d
  [ "$rc" -eq 0 ] ||
    die "apt-get could not install ${missing[*]}. Check that http://deb.debian.org answers, then run the command again."
  ok "installed ${missing[*]}"
}

step_packages() {
  next "Debian packages"
  local groups=("${PACKAGES_CORE[@]}")
  local extra
  for extra in "$@"; do
    case $extra in
      bench) groups+=("${PACKAGES_BENCH[@]}") ;;
      *) die "unknown package group '$extra' (known: bench)" ;;
    esac
  done
  apt_install "${groups[@]}"
}

step_venv() {
  next "Python venv ($VENV)"
  local lock=requirements/dev.txt stamp=$VENV/.dev-lock.sha256 want
  want=$(sha256sum "$lock" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    ok "up to date with $lock"
    return
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" 2>/dev/null || {
      apt_install python3-venv
      python3 -m venv "$VENV"
    } || die "python3 -m venv failed. Install python3 (3.11 or newer) with venv support."
  fi
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$VENV/bin/python" -m pip install -q --no-deps -r "$lock" ||
    die "pip could not install $lock. Check that PyPI answers (and PIP_CERT if TLS is intercepted), then run the command again."
  "$VENV/bin/python" -m pip check >/dev/null || die "the installed packages conflict: run '$VENV/bin/pip check' and fix $lock with 'make lock'."
  echo "$want" >"$stamp"
  ok "installed $lock"
}

step_docker() {
  next "Docker engine"
  if docker info >/dev/null 2>&1; then
    ok "engine answers"
    return
  fi
  command -v dockerd >/dev/null || apt_install docker.io
  command -v docker >/dev/null || die "docker.io is installed but no docker client is on PATH."
  mkdir -p "$STATE_DIR"
  info "starting dockerd (host networking only; log in $STATE_DIR/dockerd.log)"
  setsid dockerd --bridge=none --iptables=false --ip6tables=false \
    --pidfile "$STATE_DIR/dockerd.pid" >"$STATE_DIR/dockerd.log" 2>&1 </dev/null &
  local _
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && {
      ok "dockerd started"
      return
    }
    sleep 1
  done
  die "dockerd did not answer within 60 s; see $STATE_DIR/dockerd.log."
}

step_base_image() {
  next "Base image $BASE_IMAGE"
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    ok "present"
  elif timeout 60 docker pull -q "$BASE_IMAGE" >/dev/null 2>&1; then
    ok "pulled"
  else
    info "no registry answers: building it with debootstrap (about 30 s)"
    apt_install debootstrap
    local rootfs
    rootfs=$(mktemp -d)
    debootstrap --variant=minbase trixie "$rootfs" http://deb.debian.org/debian >"$STATE_DIR/debootstrap.log" 2>&1 ||
      die "debootstrap failed; see $STATE_DIR/debootstrap.log."
    tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
    rm -rf "$rootfs"
    ok "built from Debian trixie"
  fi
  # moto copies Lambda code into a volume with a `busybox` container running
  # `sleep`; any image with coreutils serves.
  if ! docker image inspect busybox:latest >/dev/null 2>&1; then
    timeout 60 docker pull -q busybox:latest >/dev/null 2>&1 || docker tag "$BASE_IMAGE" busybox:latest
    ok "busybox image ready for the Lambda emulator"
  fi
}

step_ca_certs() {
  next "CA certificates for image builds"
  local certs=(/usr/local/share/ca-certificates/*.crt) dir
  for dir in "${CERT_DIRS[@]}"; do
    mkdir -p "$dir"
    find "$dir" -name '*.crt' -delete
    [ -e "${certs[0]}" ] && cp "${certs[@]}" "$dir/"
  done
  if [ -e "${certs[0]}" ]; then
    ok "${#certs[@]} extra certificate(s) passed to ${CERT_DIRS[*]}"
  else
    ok "none on this host"
  fi
  # The local cloud's CA signs the emulator's certificate; the Lambda runtime's
  # stand-in trusts it as AWS's runtime trusts Amazon's. The app's image never
  # gets it: the app is handed it at deploy time (webhost_app_trusted_ca_file).
  local ca
  ca=$("$VENV/bin/python" -m devtools.localca "$STATE_DIR/ca")
  cp "$ca" lambda/runtime/certs/photoshare-localcloud-ca.crt
  ok "the local cloud's CA ($ca) passed to lambda/runtime/certs"
}

step_collections() {
  next "Ansible collections"
  "$VENV/bin/ansible-galaxy" collection install -r requirements.yml >/dev/null ||
    die "ansible-galaxy could not satisfy requirements.yml from the bundled collections; check the pins against 'ansible-galaxy collection list'."
  ok "requirements.yml satisfied"
}

require_debian_root "$@"
mkdir -p "$STATE_DIR"
step_packages "$@"
step_venv
step_docker
step_base_image
step_ca_certs
step_collections
say "Set-up complete."
