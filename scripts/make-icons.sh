#!/usr/bin/env bash
# Regenerates the app icons in icons/ with ImageMagick: a teal rounded square with a speech bubble.
# The PNGs are checked in; run this only to change the mark.
set -euo pipefail
cd "$(dirname "$0")/../icons"
convert -size 1024x1024 xc:none \
  \( -size 1024x1024 gradient:'#14b8a6-#0f4c5c' \) \
  \( -size 1024x1024 xc:none -fill white -draw "roundrectangle 64,64 960,960 200,200" \) \
  -compose DstIn -delete 0 -composite \
  -fill white -stroke none \
  -draw "roundrectangle 232,262 792,682 110,110" \
  -draw "polygon 330,660 330,812 480,670" \
  -fill '#0f766e' -draw "circle 372,472 412,472" -draw "circle 512,472 552,472" -draw "circle 652,472 692,472" \
  -depth 8 PNG32:icon-1024.png
convert icon-1024.png -resize 32x32 PNG32:32x32.png
convert icon-1024.png -resize 128x128 PNG32:128x128.png
convert icon-1024.png -resize 256x256 PNG32:128x128@2x.png
convert icon-1024.png -resize 512x512 PNG32:icon.png
convert icon-1024.png -depth 8 -define icon:auto-resize=256,128,64,48,32,16 icon.ico
echo "icons: written to $(pwd)"
