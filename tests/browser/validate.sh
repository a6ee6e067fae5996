#!/usr/bin/env bash
# HTML validity: the W3C Nu HTML Checker (npm vnu-jar) over every HTML page under the
# given folders. Exit status 1 on any error (warnings are not errors). Needs java 11+.
#   bash tests/browser/validate.sh DIR [DIR…]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/node_modules/vnu-jar/build/dist/vnu.jar"
[ -f "$jar" ] || { echo "validate.sh: $jar missing: run npm ci in tests/browser" >&2; exit 2; }
(($#)) || { echo "usage: validate.sh DIR [DIR…]" >&2; exit 2; }
pages=0
for d in "$@"; do
  n=$(find "$d" -name '*.html' -type f | wc -l)
  ((n > 0)) || { echo "validate.sh: no HTML pages under $d" >&2; exit 1; }
  echo "vnu: $n pages under $d"
  pages=$((pages + n))
done
status=0
java -Xss8m -jar "$jar" --errors-only --skip-non-html "$@" || status=$?
if ((status == 0)); then
  echo "vnu: $pages pages validated, 0 errors"
else
  echo "vnu: $pages pages validated, ERRORS above" >&2
fi
exit "$status"
