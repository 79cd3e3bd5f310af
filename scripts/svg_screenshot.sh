#!/usr/bin/env bash
# Draws presets with `layerlab export --to svg` and photographs each drawing
# in a real browser (headless Chromium: apt-get install chromium), so that
# what a slide will show can be looked at. Not run by CI.
#
# Usage: scripts/svg_screenshot.sh target/release/layerlab OUT_DIR [PRESET ...]
set -euo pipefail
bin=$1
out=$2
shift 2
presets=("${@:-lenet lenet-stride2 resnet18 unet gpt2}")
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
for preset in ${presets[@]}; do
  svg="$out/$preset.svg"
  "$bin" export --preset "$preset" --to svg -o "$svg" 2>/dev/null
  # The drawing's own size is the window's: width and height attributes.
  width=$(grep -o 'width="[0-9]*"' "$svg" | head -1 | tr -dc 0-9)
  height=$(grep -o 'height="[0-9]*"' "$svg" | head -1 | tr -dc 0-9)
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --window-size="$width,$height" \
    --screenshot="$out/$preset.png" "file://$(realpath "$svg")" 2>/dev/null
  echo "$out/$preset.png (${width}×${height})"
done
