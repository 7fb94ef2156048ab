#!/usr/bin/env bash
# Renders every pane of the app to docs/screenshots/{data,training,calibration,analysis}.png.
# Runs `mvn -q javafx:run` on a virtual X display (Xvfb), waits until the dataset is open (the window title
# then names it) and its synthetic demo scores and reference curves are computed, switches panes with
# Ctrl+1..4 and captures the window. Needs xvfb, imagemagick, xdotool.
#
#   scripts/screenshots.sh [dataset-folder]      (default: the bundled sample-data/fashion-mnist)
#
# Environment: SCREENSHOT_DISPLAY (default :99; an X server already running there is reused),
# SCREENSHOT_TIMEOUT (seconds to wait for the dataset, default 240), SCREENSHOT_SETTLE (seconds to wait after
# it opened, for the demo scores and curves, default 6), SCREENSHOT_LARGER (how many times to press Ctrl+= first,
# to check the projector font sizes; default 0), SCREENSHOT_OUT (output folder, default docs/screenshots).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
display="${SCREENSHOT_DISPLAY:-:99}"
timeout_s="${SCREENSHOT_TIMEOUT:-240}"
settle_s="${SCREENSHOT_SETTLE:-6}"
out="${SCREENSHOT_OUT:-$root/docs/screenshots}"
mkdir -p "$out"
export DISPLAY="$display"

xvfb_pid=""
app_pid=""
log="$(mktemp -t exitbench-screenshots.XXXXXX.log)"
cleanup() {
  if [ -n "$app_pid" ]; then kill -- "-$app_pid" 2>/dev/null || true; fi
  if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

if ! xdotool getdisplaygeometry >/dev/null 2>&1; then
  Xvfb "$display" -screen 0 1600x1000x24 >/dev/null 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.2; done
fi

# A session of its own, so that cleanup stops Maven and the JVM it forks together.
setsid mvn -q javafx:run ${1:+"-Dexitbench.args=$1"} >"$log" 2>&1 &
app_pid=$!

window=""
for _ in $(seq "$timeout_s"); do
  window="$(xdotool search --name '^Exitbench — ' 2>/dev/null | head -n 1 || true)"
  [ -n "$window" ] && break
  kill -0 "$app_pid" 2>/dev/null || { echo "the app exited; see $log" >&2; exit 1; }
  sleep 1
done
if [ -z "$window" ]; then
  echo "no dataset opened within ${timeout_s}s; capturing the window as it is" >&2
  window="$(xdotool search --name '^Exitbench' | head -n 1)"
fi

# There is no window manager: keyboard focus follows the pointer, so park the pointer on the window.
eval "$(xdotool getwindowgeometry --shell "$window")"
xdotool mousemove $((X + WIDTH / 2)) $((Y + HEIGHT - 12))
sleep "$settle_s"
for _ in $(seq "${SCREENSHOT_LARGER:-0}"); do xdotool key "ctrl+equal"; sleep 0.3; done
n=1
for pane in data training calibration analysis; do
  xdotool key "ctrl+$n"
  sleep 1.5
  import -window "$window" "$out/$pane.png"
  echo "wrote $out/$pane.png"
  n=$((n + 1))
done
rm -f "$log"
