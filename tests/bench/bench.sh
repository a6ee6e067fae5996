#!/usr/bin/env bash
# Lantern benchmark: prints numbers, asserts nothing.
#
#   bash tests/bench/bench.sh            # N = 100, 1,000, 10,000 posts + the 6.5 M result feed
#   QUICK=1 bash tests/bench/bench.sh    # N = 100 and 1,000 only
#   SERVE_ONLY=1 bash tests/bench/bench.sh   # only the preview's save-to-served latency
#
# Each workload is generated once (tests/tools/gen_site.rs), then built RUNS times
# (default 5) into a fresh output folder; the table shows medians. Wall, CPU and
# peak RSS come from GNU time. A final column checks that a rebuild with nothing
# changed writes 0 files. Sites live in $BENCH_DIR (default /tmp/lantern-bench).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
DIR=${BENCH_DIR:-/tmp/lantern-bench}
NOW=1795856400   # 2026-11-28T09:00:00Z, the generators' "now"
mkdir -p "$DIR"
# PROFILE=debug reuses the debug binaries (for trying the script; the numbers mean little).
PROFILE=${PROFILE:-release}
if [ "$PROFILE" = release ]; then
  cargo build --release --quiet --bin lantern --example gen-site
else
  cargo build --quiet --bin lantern --example gen-site
fi
BIN=target/$PROFILE/lantern
GEN=target/$PROFILE/examples/gen-site

gen() { # name posts checks interval
  local out="$DIR/$1"
  if [ ! -f "$out/content/site.yaml" ]; then
    "$GEN" --posts "$2" --checks "$3" --days 90 --interval "$4" "$out" >/dev/null
  fi
  echo "$out"
}

# The writeback of the last build's 120 MB (or of a deleted tree) slows the next build
# and `cp -r` 3-8x on this VM's disk; a timed run waits (up to 90 s) until the disk
# has been quiet for 10 s (Linux pressure stall information; skipped without it).
quiet() {
  sync
  [ -r /proc/pressure/io ] || return 0
  local _
  for _ in $(seq 90); do
    awk '/^some/ { split($2, a, "="); exit !(a[2] < 1.0) }' /proc/pressure/io && return 0
    sleep 1
  done
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

bench() { # label site
  local label=$1 site=$2 walls=() cpus=() rss=() line out_dir
  # Each run writes a folder never used before: deleting a big tree just before a
  # build makes ext4 slow to allocate inodes (recently_deleted), which would measure
  # the file system, not Lantern (a no-feed row once ran 2x slower, all of it kernel
  # time, right after the previous row's outputs were removed). All go at the end.
  out_dir=$(mktemp -d "$DIR/steady-runs-XXXXXX")
  for i in $(seq "$RUNS"); do
    # A fresh build: no health cache left by the previous run.
    rm -rf "$site/.lantern-cache"
    quiet
    line=$(SOURCE_DATE_EPOCH=$NOW /usr/bin/time -f "TIME %e %U %S %M" "$BIN" build --root "$site" --out "$out_dir/$i" 2>&1 >"$DIR/last.out" | grep '^TIME')
    read -r _ w u s m <<<"$line"
    walls+=("$w"); cpus+=("$(echo "$u + $s" | bc)"); rss+=("$m")
  done
  local out files kib results
  out=$(cat "$DIR/last.out")
  files=$(sed -E 's/^built ([0-9]+) files.*/\1/' <<<"$out")
  kib=$(sed -E 's/.*unchanged, ([0-9]+) KiB.*/\1/' <<<"$out")
  results=$(sed -E 's/.* and ([0-9]+) health results.*/\1/' <<<"$out")
  local wall cpu peak
  wall=$(printf '%s\n' "${walls[@]}" | median)
  cpu=$(printf '%s\n' "${cpus[@]}" | median)
  peak=$(printf '%s\n' "${rss[@]}" | median)
  # Rebuild with nothing changed: must write nothing.
  local again written
  again=$(SOURCE_DATE_EPOCH=$NOW "$BIN" build --root "$site" --out "$out_dir/1" 2>/dev/null)
  written=$(sed -E 's/.*\(([0-9]+) written.*/\1/' <<<"$again")
  local rps
  rps=$(echo "$results / $wall" | bc 2>/dev/null || echo "-")
  printf '| %-34s | %7.2f s | %7.2f s | %7.0f MB | %6s | %8s KiB | %10s | %12s | %s |\n' \
    "$label" "$wall" "$cpu" "$(echo "$peak / 1024" | bc)" "$files" "$kib" "$results" "$rps" "$written"
  echo "$wall" >"$DIR/$label.wall"
  echo "$results" >"$DIR/$label.results"
}

if [ -z "${SERVE_ONLY:-}" ]; then
# SKIP_BUILDS=1: only the rebuild table and the preview (sites already generated).
if [ -z "${SKIP_BUILDS:-}" ]; then
echo "| workload (median of $RUNS) | wall | CPU | peak RSS | files | written | results | results/s | rebuild writes |"
echo "|---|---|---|---|---|---|---|---|---|"
bench "100 posts, example feed" "$(gen p100 100 6 300s)"
bench "1,000 posts, example feed" "$(gen p1000 1000 6 300s)"
if [ -z "${QUICK:-}" ]; then
  bench "10,000 posts, example feed" "$(gen p10000 10000 6 300s)"
  big=$(gen big 10000 50 60s)
  # The same site without its feed, to measure ingest as the difference in one run.
  if [ ! -f "$DIR/big-nofeed/content/site.yaml" ]; then
    mkdir -p "$DIR/big-nofeed" && cp -r "$big/content" "$DIR/big-nofeed/" && rm -rf "$DIR/big-nofeed/content/health"
  fi
  bench "10,000 posts + 50 checks x 90 d x 1 min" "$big"
  bench "the same 10,000 posts, no feed" "$DIR/big-nofeed"
  t1=$(cat "$DIR/1,000 posts, example feed.wall"); t10=$(cat "$DIR/10,000 posts, example feed.wall")
  tf=$(cat "$DIR/10,000 posts + 50 checks x 90 d x 1 min.wall"); tn=$(cat "$DIR/the same 10,000 posts, no feed.wall")
  results=$(cat "$DIR/10,000 posts + 50 checks x 90 d x 1 min.results")
  echo
  echo "time(10,000) / time(1,000) = $(echo "scale=2; $t10 / $t1" | bc)"
  echo "feed ingest: (${tf} s - ${tn} s) for $results results = $(echo "scale=0; $results / ($tf - $tn)" | bc 2>/dev/null || echo '-') results/s (target >= 3,000,000)"
fi
fi

# Cron-speed rebuilds (issue 16): a fresh build and `cp -r` of its output, then cron's
# steady state: one probe round appended and a build a minute later (after one untimed
# such minute, so the spare tree exists), then one post edited (same time).
# Files written and wall time, as a fraction of the fresh build.
steady() { # label site
  local label=$1 site=$2 base feed post
  # A folder never used before, removed only at the end of the script: a build or
  # `cp -r` right after deleting a 120 MB tree runs ~5x slower on ext4, which would
  # inflate the fresh build and flatter every ratio.
  base=$(mktemp -d "$DIR/steady-XXXXXX")
  # Globs, not `ls | head`: with pipefail, ls killed by SIGPIPE on 7,000 posts ends the script.
  local feeds=("$site"/content/health/*.jsonl) posts=("$site"/content/incidents/*.md)
  feed=${feeds[0]} post=${posts[0]}
  cp "$feed" "$DIR/feed.bak" && cp "$post" "$DIR/post.bak"
  rm -rf "$site/.lantern-cache"   # the fresh build starts without a health cache
  timed() { # epoch -> "wall written"
    local line out
    quiet
    line=$(SOURCE_DATE_EPOCH=$1 /usr/bin/time -f "TIME %e" "$BIN" build --root "$site" --out "$base/out" 2>&1 >"$DIR/steady.out" | grep '^TIME')
    out=$(cat "$DIR/steady.out")
    echo "${line#TIME } $(sed -E 's/.*\(([0-9]+) written.*/\1/' <<<"$out") $(sed -E 's/^built ([0-9]+) files.*/\1/' <<<"$out")"
  }
  local fresh cp_wall round edit fws=() cps=() i
  # Fresh build and `cp -r` three times, interleaved: one `cp -r` swings 0.35-2.5 s with
  # the disk's state, and the ratio with it. Each fresh build writes a folder never used
  # before; the kept one (`out`, which the minutes below build into) comes last, so the
  # caches it leaves are a single fresh build's.
  for i in 2 3 1; do
    local to="$base/out" n
    [ "$i" = 1 ] || to="$base/out-$i"
    rm -rf "$site/.lantern-cache"
    quiet
    fresh=$(SOURCE_DATE_EPOCH=$NOW /usr/bin/time -f "TIME %e" "$BIN" build --root "$site" --out "$to" 2>&1 >"$DIR/steady.out" | grep '^TIME')
    fws+=("${fresh#TIME }")
    quiet
    cps+=("$( { /usr/bin/time -f "%e" cp -r "$to" "$base-cp$i" >/dev/null; } 2>&1 | tail -1)")
  done
  n=$(sed -E 's/^built ([0-9]+) files.*/\1/' "$DIR/steady.out")
  fresh="$(printf '%s\n' "${fws[@]}" | median) - $n"
  cp_wall=$(printf '%s\n' "${cps[@]}" | median)
  append_round() { # "at" of the appended results
    python3 - "$feed" "$1" <<'PY'
import json, sys
path, at = sys.argv[1], sys.argv[2]
with open(path, "rb") as f:
    f.seek(0, 2); f.seek(max(0, f.tell() - 200_000)); tail = f.read().decode(errors="ignore").splitlines()[1:]
checks = sorted({json.loads(l)["check"] for l in tail if l.strip()})
with open(path, "a") as f:
    for c in checks:
        f.write(json.dumps({"check": c, "at": at, "ok": True, "latency_ms": 42}) + "\n")
PY
  }
  # Steady state is cron's: the minutes before also changed a few files, so the
  # previous generation waits beside the output as the spare, and both trees have
  # folder stamps. Two untimed rounds get there (the first makes the spare, the second
  # stamps the tree the first wrote); the timed one is the next minute's.
  append_round "2026-11-28T09:00:30Z"
  timed $((NOW + 60)) >/dev/null
  append_round "2026-11-28T09:01:30Z"
  timed $((NOW + 120)) >/dev/null
  append_round "2026-11-28T09:02:30Z"
  round=$(timed $((NOW + 180)))
  echo "edited by bench.sh" >>"$post"
  edit=$(timed $((NOW + 180)))
  cp "$DIR/feed.bak" "$feed" && cp "$DIR/post.bak" "$post"
  read -r fw _ fn <<<"$fresh"; read -r rw rn _ <<<"$round"; read -r ew en _ <<<"$edit"
  printf '| %-28s | %6.2f s | %6.2f s | %5.2f | %5s of %s (%.2f %%) in %.2f s = %.2f× | %3s in %.2f s = %.2f× |\n' \
    "$label" "$fw" "$cp_wall" "$(echo "scale=3; $fw / $cp_wall" | bc)" "$rn" "$fn" "$(echo "scale=4; 100 * $rn / $fn" | bc)" "$rw" \
    "$(echo "scale=3; $rw / $fw" | bc)" "$en" "$ew" "$(echo "scale=3; $ew / $fw" | bc)"
  # Not removed here: the next row's fresh build and `cp -r` would run right after
  # deleting this one's trees (see above). All go at the end.
}
echo
echo "| rebuilds | fresh (median of 3) | cp -r (median of 3) | fresh / cp | +1 min, one probe round: written, wall, / fresh | one post edited: written, wall, / fresh |"
echo "|---|---|---|---|---|---|"
steady "1,000 posts, example feed" "$DIR/p1000"
if [ -z "${QUICK:-}" ]; then
  steady "10,000 posts, example feed" "$DIR/p10000"
  steady "10,000 posts + 50 checks" "$DIR/big"
fi
# The floor under the fresh-build ratio: the same 10,000 posts with the post and list
# templates reduced to one character (no tera work for 10,000 pages, everything else
# the same), against a full build and `cp -r` of the full output, interleaved. Before
# any tree is removed (see `steady`); its folders go with the others at the end.
if [ -z "${QUICK:-}" ]; then
  floor="$DIR/p10000-floor"
  if [ ! -d "$floor/content" ]; then
    mkdir -p "$floor/themes/default/templates" && cp -r "$DIR/p10000/content" "$floor/"
    echo x >"$floor/themes/default/templates/post.html"
    echo x >"$floor/themes/default/templates/list.html"
  fi
  fb=$(mktemp -d "$DIR/steady-floor-XXXXXX")
  fulls=() mins=() cps=()
  once() { # site out -> wall
    rm -rf "$1/.lantern-cache"
    quiet
    SOURCE_DATE_EPOCH=$NOW /usr/bin/time -f "TIME %e" "$BIN" build --root "$1" --out "$2" 2>&1 >/dev/null | grep '^TIME' | cut -d' ' -f2
  }
  for i in 1 2 3; do
    fulls+=("$(once "$DIR/p10000" "$fb/full$i")")
    mins+=("$(once "$floor" "$fb/min$i")")
    quiet
    cps+=("$( { /usr/bin/time -f "%e" cp -r "$fb/full1" "$fb/cp$i" >/dev/null; } 2>&1 | tail -1)")
  done
  full=$(printf '%s\n' "${fulls[@]}" | median); min=$(printf '%s\n' "${mins[@]}" | median)
  cpw=$(printf '%s\n' "${cps[@]}" | median)
  echo
  printf 'fresh-build floor, 10,000 posts (median of 3): full build %s s, with one-character post and list templates %s s, cp -r of the full output %s s: %.2f× and %.2f×\n' \
    "$full" "$min" "$cpw" "$(echo "scale=3; $full / $cpw" | bc)" "$(echo "scale=3; $min / $cpw" | bc)"
fi

rm -rf "$DIR"/steady-*

fi

# Preview server: edit one post of the 1,000-post site, time until the new page is served.
# `SERVE_ONLY=1 bash tests/bench/bench.sh` runs only this.
site=$(gen p1000 1000 6 300s)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SOURCE_DATE_EPOCH=$NOW ${SERVE_WRAP:-} "$BIN" serve --root "$site" --port "$port" >"$DIR/serve.log" 2>&1 &
spid=$!
trap 'kill $spid 2>/dev/null || true' EXIT
python3 - "$site" "$port" <<'PY'
import glob, os, sys, time, urllib.request
site, port = sys.argv[1], sys.argv[2]
def get(path):
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).read().decode()
    except Exception:
        return ""
for _ in range(600):
    if get("/"):
        break
    time.sleep(0.05)
post = sorted(glob.glob(os.path.join(site, "content/news/*.md")))[0]
slug = os.path.basename(post)[:-3]
original = open(post).read()
times = []
try:
    for i in range(11):
        marker = f"bench-marker-{time.time_ns()}"
        t0 = time.perf_counter()
        with open(post, "w") as f:
            f.write(original + f"\n{marker}\n")
        while marker not in get(f"/news/{slug}/"):
            time.sleep(0.005)
        times.append((time.perf_counter() - t0) * 1000)
        time.sleep(0.3)
finally:
    open(post, "w").write(original)
times.sort()
print(f"\nserve: edit one post of a 1,000-post site -> new page served: median of {len(times)} {times[len(times) // 2]:.0f} ms (runs: {', '.join(f'{t:.0f}' for t in times)})")
PY
