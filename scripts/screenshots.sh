#!/usr/bin/env bash
# Renders every pane of the app to docs/screenshots/{data,training,calibration,analysis}.png, as a new user first
# sees them, and again with projector-sized text (two Ctrl+= steps: <pane>-large-text.png): the app with a fresh,
# empty HOME (so there is no workspace yet) on a virtual X display (Xvfb). The first launch opens the bundled sample
# in ~/.exitbench/workspaces/fashion-mnist-sample and shows the demo run shipped with it (or trains one when the
# sample has none); the script waits until a run is saved in the workspace's runs/, then switches panes with
# Ctrl+1..4 and captures the window. It runs offline: the app is started with java on the class path Maven
# resolves from the local repository (mvn -o dependency:build-classpath), or with `mvn -q javafx:run` when that
# fails. Needs xvfb, imagemagick, xdotool.
#
#   scripts/screenshots.sh [dataset-folder]      (default: the bundled sample-data/fashion-mnist)
#
# Environment: SCREENSHOT_SCREENS (the virtual screens to render at, default "1600x1000 1280x800": the window opens
# at 1480 × 920 on the first and 1280 × 800 on the second; the first size's pictures go to the output folder, each
# other size's to a subfolder named after it), SCREENSHOT_DISPLAY (default :99; each size starts an X server there,
# so none may be running on it), SCREENSHOT_TIMEOUT (seconds to wait for the dataset, default 240),
# SCREENSHOT_RUN_TIMEOUT (seconds to wait for the first run, default 1800; 0 skips waiting), SCREENSHOT_SETTLE
# (seconds to wait after that, default 6), SCREENSHOT_PANE_WAIT (seconds between switching to a pane and capturing
# it, default 4; a busy machine needs more to lay a pane out the first time), SCREENSHOT_OUT (output folder, default docs/screenshots),
# SCREENSHOT_HOME (the HOME to run with; default a fresh temporary folder, deleted afterwards),
# SCREENSHOT_TRY (files or a folder to drop on the window, comma-separated: the app is then started through the
# test-scope org.exitbench.app.DropHarness, which drops them once the first operating point shows and presses ›
# SCREENSHOT_TRY_NEXT times (default 1); only $out/${SCREENSHOT_TRY_NAME:-try-your-own-folder}.png is captured).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -z "${SCREENSHOT_SCREEN:-}" ]; then
  first=1
  for screen in ${SCREENSHOT_SCREENS:-1600x1000 1280x800}; do
    base="${SCREENSHOT_OUT:-$root/docs/screenshots}"
    if [ "$first" = 1 ]; then dest="$base"; else dest="$base/$screen"; fi
    SCREENSHOT_SCREEN="$screen" SCREENSHOT_OUT="$dest" "$0" "$@"
    first=0
  done
  exit 0
fi
display="${SCREENSHOT_DISPLAY:-:99}"
timeout_s="${SCREENSHOT_TIMEOUT:-240}"
run_timeout_s="${SCREENSHOT_RUN_TIMEOUT:-1800}"
settle_s="${SCREENSHOT_SETTLE:-6}"
pane_wait="${SCREENSHOT_PANE_WAIT:-4}"
out="${SCREENSHOT_OUT:-$root/docs/screenshots}"
mkdir -p "$out"
export DISPLAY="$display"

fresh_home=""
if [ -n "${SCREENSHOT_HOME:-}" ]; then
  home="$SCREENSHOT_HOME"
else
  fresh_home="$(mktemp -d -t exitbench-home.XXXXXX)"
  home="$fresh_home"
fi

xvfb_pid=""
app_pid=""
log="$(mktemp -t exitbench-screenshots.XXXXXX.log)"
cleanup() {
  if [ -n "$app_pid" ]; then kill -- "-$app_pid" 2>/dev/null || true; fi
  if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; fi
  if [ -n "$fresh_home" ]; then rm -rf "$fresh_home"; fi
}
trap cleanup EXIT

if ! xdotool getdisplaygeometry >/dev/null 2>&1; then
  Xvfb "$display" -screen 0 "${SCREENSHOT_SCREEN:-1600x1000}x24" >/dev/null 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.2; done
fi

# A session of its own, so that cleanup stops the JVM (and Maven, when it launched it) together. Offline first: the
# compiled classes with the class path Maven resolves from the local repository.
classpath="$root/target/screenshots-classpath.txt"
drop_done="$(mktemp -u -t exitbench-drop.XXXXXX)"
if [ -n "${SCREENSHOT_TRY:-}" ]; then
  mvn -o -q -B test-compile >/dev/null
  mvn -o -q -B dependency:build-classpath -Dmdep.outputFile="$classpath" >/dev/null
  HOME="$home" setsid java -Dexitbench.drop="$SCREENSHOT_TRY" -Dexitbench.drop.next="${SCREENSHOT_TRY_NEXT:-1}" \
    -Dexitbench.drop.done="$drop_done" -cp "$root/target/test-classes:$root/target/classes:$(cat "$classpath")" \
    org.exitbench.app.DropHarness ${1:+"$1"} >"$log" 2>&1 &
elif mvn -o -q -B compile >/dev/null 2>&1 \
    && mvn -o -q -B dependency:build-classpath -Dmdep.outputFile="$classpath" >/dev/null 2>&1; then
  HOME="$home" setsid java -cp "$root/target/classes:$(cat "$classpath")" org.exitbench.app.Launcher ${1:+"$1"} \
    >"$log" 2>&1 &
else
  HOME="$home" setsid mvn -q javafx:run ${1:+"-Dexitbench.args=$1"} >"$log" 2>&1 &
fi
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

# The first launch's run is done when it is saved in the workspace (its metrics.json written); the operating point
# within the accuracy budget is picked right after, within the settle time.
if [ -z "${1:-}" ] && [ "$run_timeout_s" -gt 0 ]; then
  runs="$home/.exitbench/workspaces/fashion-mnist-sample/runs"
  started=$SECONDS
  until compgen -G "$runs/*/metrics.json" >/dev/null; do
    if [ $((SECONDS - started)) -ge "$run_timeout_s" ]; then
      echo "the first run did not finish within ${run_timeout_s}s; capturing the panes as they are" >&2
      break
    fi
    kill -0 "$app_pid" 2>/dev/null || { echo "the app exited; see $log" >&2; exit 1; }
    sleep 2
  done
  if compgen -G "$runs/*/metrics.json" >/dev/null; then
    echo "first run finished after $((SECONDS - started))s of waiting"
  fi
fi

if [ -n "${SCREENSHOT_TRY:-}" ]; then
  started=$SECONDS
  until [ -s "$drop_done" ]; do
    if [ $((SECONDS - started)) -ge "$run_timeout_s" ]; then echo "no drop within ${run_timeout_s}s; see $log" >&2; exit 1; fi
    kill -0 "$app_pid" 2>/dev/null || { echo "the app exited; see $log" >&2; exit 1; }
    sleep 1
  done
  if grep -q '^FAILED' "$drop_done"; then cat "$drop_done" >&2; exit 1; fi
  import -window "$window" "$out/${SCREENSHOT_TRY_NAME:-try-your-own-folder}.png"
  echo "wrote $out/${SCREENSHOT_TRY_NAME:-try-your-own-folder}.png ($(cat "$drop_done"))"
  rm -f "$drop_done" "$log"
  exit 0
fi

sleep "$settle_s"
grep -h "Start-up:" "$log" || true
capture() {
  local suffix="$1" n=1
  for pane in data training calibration analysis; do
    xdotool key "ctrl+$n"
    sleep "$pane_wait"
    import -window "$window" "$out/$pane$suffix.png"
    echo "wrote $out/$pane$suffix.png"
    n=$((n + 1))
  done
}
capture ""
# The same window as a teacher shows it on a projector: text two steps larger (Ctrl+=).
for _ in 1 2; do xdotool key "ctrl+equal"; sleep 0.5; done
sleep 2
capture "-large-text"
xdotool key "ctrl+0"
rm -f "$log"
