#!/usr/bin/env bash
# Lint: nothing in the project switches a certificate or TLS check off. The
# local cloud must fail wherever AWS would, so the fix for a refused
# certificate is to trust the right CA, never to stop checking. A test that
# proves a refusal may switch a check off on a line that says so:
#   ... # checks-off: proves <what is refused>
# and only under tests/.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

pattern='verify *= *False|CERT_NONE|check_hostname *= *False|validate_certs: *(false|no)\b|ssl_disabled *= *True|--insecure\b|ignore-certificate-errors|require[_-]secure[_-]transport *= *(0|off|OFF)|deny_insecure_transport: *false'
found=$(git grep -nIE "$pattern" -- . ':!scripts/checks-off.sh' ':!.venv' || true)
bad=$(printf '%s\n' "$found" | grep -v '^$' | grep -vE '^tests/[^:]+:[0-9]+:.*# checks-off: proves ' || true)
if [ -n "$bad" ]; then
  printf '%s\n' "$bad" >&2
  die "these lines switch a certificate or TLS check off; trust the right CA instead (see README, 'Where the local cloud differs from AWS')."
fi
ok "no certificate or TLS check is switched off"
