#!/usr/bin/env bash
# Renders assets/icon.svg to the PNGs the app loads (src/main/resources/org/exitbench/app/icons/) and to
# assets/icon.png (512 px, for installers). Needs ImageMagick. Run after editing the SVG; commit the PNGs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/src/main/resources/org/exitbench/app/icons"
mkdir -p "$out"
convert -background none -density 192 "$root/assets/icon.svg" -resize 512x512 "PNG32:$root/assets/icon.png"
for size in 16 32 48 64 128 256; do
  convert -background none "$root/assets/icon.png" -resize "${size}x${size}" "PNG32:$out/icon-$size.png"
done
echo "wrote $root/assets/icon.png and $out/icon-{16,32,48,64,128,256}.png"
