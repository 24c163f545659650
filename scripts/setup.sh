#!/usr/bin/env bash
# Installs what the tests and the local stack need on a fresh Debian machine (run as root).
# Idempotent: every part checks first and skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="$PWD/.tools"
mkdir -p "$tools"

log() { printf 'setup: %s\n' "$*" >&2; }

# --- Debian packages ---------------------------------------------------------------------------
# moto's own dependencies come from this machine's Debian release; moto itself is newer (below).
# Chromium runs the console flows against sim/console (its headless shell, as in Lambda; the full browser drives
# the playground as a person would); tesseract reads screenshots back to prove no secret
# is legible in them; DejaVu is the font the simulated CAPTCHA pictures are drawn in; multimon-ng decodes
# the DTMF audio the contact flow plays (sox adds noise and level changes to it in tests).
apt_packages=(
  python3-flask python3-flask-cors python3-werkzeug python3-jinja2 python3-xmltodict python3-dateutil
  python3-cryptography python3-requests python3-yaml python3-antlr4 python3-jmespath python3-urllib3
  chromium chromium-headless-shell tesseract-ocr tesseract-ocr-eng fonts-dejavu-core sox multimon-ng
)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- moto server --------------------------------------------------------------------------------
# Debian 12 has no python3-moto: take it (and the boto stack it needs) from a newer suite, unpacked
# into .tools/moto, never installed system-wide. Newest suite first, then the stable one.
moto_dir="$tools/moto"
moto_check() { PYTHONPATH="$moto_dir/usr/lib/python3/dist-packages" /usr/bin/python3 -c 'import moto.server, moto.organizations, moto.dynamodb' 2>/dev/null; }
debian_mirror() {
  local uri=""
  if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
    uri=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/*.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
  fi
  printf '%s' "$uri"
}
fetch_moto_from() {
  local suite=$1 mirror=$2 work="$tools/apt-$1"
  rm -rf "$work" "$moto_dir.new" && mkdir -p "$work/lists/partial" "$work/debs" "$moto_dir.new"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >"$work/sources.list"
  local opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$work/lists" -o "APT::Get::List-Cleanup=0")
  apt-get "${opts[@]}" update -qq >/dev/null 2>&1 || return 1
  (cd "$work/debs" && apt-get "${opts[@]}" download -qq python3-moto python3-botocore python3-boto3 \
    python3-s3transfer python3-responses python3-jsonpath-ng >/dev/null 2>&1) || return 1
  for deb in "$work/debs"/*.deb; do dpkg-deb -x "$deb" "$moto_dir.new"; done
  rm -rf "$moto_dir" && mv "$moto_dir.new" "$moto_dir"
  rm -rf "$work"
  moto_check
}
if ! moto_check; then
  mirror=$(debian_mirror)
  [ -n "$mirror" ] || { log "no Debian mirror found in the apt sources"; exit 1; }
  ok=""
  for suite in sid trixie; do
    log "fetching moto from Debian $suite"
    if fetch_moto_from "$suite" "$mirror"; then ok=$suite; break; fi
    log "moto from $suite did not work"
  done
  [ -n "$ok" ] || { log "could not install moto server"; exit 1; }
  log "moto $(PYTHONPATH="$moto_dir/usr/lib/python3/dist-packages" /usr/bin/python3 -c 'import moto; print(moto.__version__)') from $ok"
fi

# --- npm packages (Node 22 comes with them, as the package "node") ------------------------------
if [ ! -x node_modules/.bin/vitest ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
