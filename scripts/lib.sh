# Shared output helpers for the project's shell scripts.
# shellcheck shell=bash
if [ -t 1 ]; then
  _bold=$'\e[1m' _green=$'\e[32m' _yellow=$'\e[33m' _red=$'\e[31m' _reset=$'\e[0m'
else
  _bold='' _green='' _yellow='' _red='' _reset=''
fi
say() { printf '%s==> %s%s\n' "$_bold" "$*" "$_reset"; }
info() { printf '    %s\n' "$*"; }
ok() { printf '    %sok%s: %s\n' "$_green" "$_reset" "$*"; }
warn() { printf '    %swarning%s: %s\n' "$_yellow" "$_reset" "$*" >&2; }
die() {
  printf '%serror%s: %s\n' "$_red" "$_reset" "$*" >&2
  exit 1
}
