#!/usr/bin/env bash
# Refresh Digdir's Designsystemet CSS in static/vendor/designsystemet from the npm registry.
# Usage: scripts/vendor-designsystemet.sh [CSS_VERSION] [THEME_VERSION]
set -euo pipefail
css_version=${1:-1.22.0}
theme_version=${2:-1.11.0}
dest=static/vendor/designsystemet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@digdir/designsystemet-css@$css_version" \
  "@digdir/designsystemet-theme@$theme_version" >/dev/null)
mkdir -p "$work/css" "$work/theme" "$dest"
tar xzf "$work/digdir-designsystemet-css-$css_version.tgz" -C "$work/css"
tar xzf "$work/digdir-designsystemet-theme-$theme_version.tgz" -C "$work/theme"
cp "$work/css/package/dist/src/index.css" "$dest/designsystemet.css"
cp "$work/theme/package/brand/digdir.css" "$dest/theme-digdir.css"
cp "$work/css/package/LICENSE" "$dest/LICENSE"
cat > "$dest/VERSION.md" <<TXT
# Designsystemet (vendored)

- @digdir/designsystemet-css $css_version: dist/src/index.css → designsystemet.css
- @digdir/designsystemet-theme $theme_version: brand/digdir.css → theme-digdir.css
- Licence: MIT (LICENSE in this folder), © Digitaliseringsdirektoratet (Digdir)

Refresh with \`make vendor-designsystemet\`; never load these files from a CDN.
TXT
if grep -qE 'url\((["'"'"']?)https?:' "$dest"/*.css; then
  echo "Designsystemet refers to external URLs; refusing to vendor it." >&2
  exit 1
fi
echo "Vendored Designsystemet css $css_version, theme $theme_version into $dest"
