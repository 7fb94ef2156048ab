#!/usr/bin/env bash
# Builds a self-contained Exitbench installer with jpackage (JDK 17+), bundling a trimmed Java runtime,
# the app, its libraries, the icon from assets/ and the bundled sample data.
#
#   installers/build.sh [app-image|deb|rpm|msi|exe|dmg|pkg]     (default: app-image)
#
# jpackage builds only for the OS it runs on: deb/rpm on Linux (deb needs fakeroot and dpkg-deb), msi/exe on
# Windows (needs the WiX toolset 3), dmg/pkg on macOS. Output goes to target/installers/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
type="${1:-app-image}"
cd "$root"

version="$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)"
# jpackage wants a numeric version (e.g. 0.1.0), without -SNAPSHOT.
app_version="${version%%-*}"

# Under `mvn -Pinstaller package` the jar and target/lib already exist; otherwise build them.
if [ -z "${EXITBENCH_SKIP_MAVEN:-}" ]; then
  echo "Building the jar and its libraries..."
  mvn -B -q -DskipTests package
fi

staging="target/jpackage-input"
rm -rf "$staging" target/installers/tmp
mkdir -p "$staging" target/installers
cp target/exitbench.jar "$staging/"
cp -r target/lib "$staging/lib"
# nd4j-native pulls the plain native build too; the oneDNN build (loaded first) makes it dead weight (~90 MB).
rm -f "$staging"/lib/nd4j-native-*-linux-x86_64.jar
mkdir -p "$staging/sample-data"
cp -r sample-data/fashion-mnist "$staging/sample-data/"

icon="assets/icon.png"
case "$type" in
  msi|exe) [ -f assets/icon.ico ] && icon="assets/icon.ico" ;;
  dmg|pkg) [ -f assets/icon.icns ] && icon="assets/icon.icns" ;;
esac

# Modules the app and DL4J need (jdeps over the jar plus what ND4J, Jackson and SLF4J load reflectively).
modules="java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.net.http,java.scripting,java.sql,java.xml,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.unsupported,jdk.zipfs"

args=(
  --type "$type"
  --name Exitbench
  --app-version "$app_version"
  --vendor "Exitbench"
  --description "Workbench for early-exit image classifiers (BTS-EE, CPM calibration)"
  --input "$staging"
  --main-jar exitbench.jar
  --main-class org.exitbench.app.Launcher
  --icon "$icon"
  --add-modules "$modules"
  --java-options "-Xmx2g"
  --java-options "-Dorg.eclipse.deeplearning4j.helpers.disable=false"
  --java-options '-Djdk.serialFilter=!*'
  --java-options "-Dexitbench.sample=\$APPDIR/sample-data/fashion-mnist"
  --dest target/installers
)
case "$type" in
  deb|rpm) args+=(--linux-shortcut --linux-menu-group Education --linux-app-category science) ;;
  msi|exe) args+=(--win-menu --win-shortcut --win-dir-chooser) ;;
esac

rm -rf "target/installers/Exitbench"
echo "Running jpackage --type $type ..."
jpackage "${args[@]}"
echo "Done: $(ls -d target/installers/* | tr '\n' ' ')"
