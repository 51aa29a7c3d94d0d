#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/tests/test_report.sh - bench/report for real, at its smallest (N =
# 1,000, two rounds of one repetition): every side built and run by the one
# command, and the report's shape: each side's version line, the five sides
# in the rounds, the tables per N and the three verdict lines.  Speed is not
# checked (one repetition is noise); that the report runs and says what it
# ran is.
#   bash bench/tests/test_report.sh all BUILD_DIR
#     every side: a Go >= 1.24 is on this machine, as on the project's.
#   bash bench/tests/test_report.sh no-swiss-go BUILD_DIR
#     the same with every Go >= 1.24 out of reach (a private mount
#     namespace hides /usr/local/go; PATH keeps only /usr/bin and /bin):
#     the four other sides run, and each place that would show the missing
#     one says why.  Exits 77 (CTest: skipped) where the namespace cannot
#     be made.
#   bash bench/tests/test_report.sh bad-args BUILD_DIR
#     bad options: each refused with exit 2, one line naming the option and
#     the value, then the usage, before anything is set up or built.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -eq 2 ] || { echo "usage: bash bench/tests/test_report.sh all|no-swiss-go|bad-args BUILD_DIR" >&2; exit 2; }
mode=$1 build=$2
mkdir -p "$build"
# Both runs may share BUILD_DIR, one after the other: each keeps its own
# output files.
out=$build/$mode.out.md err=$build/$mode.err.txt
args=(--n 1000 --rounds 2 --reps 1 --warmup 0)
fails=0
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
has() { grep -qE -- "$2" "$1" || bad "$3"; }

if [ "$mode" = bad-args ]; then
  cases=0
  # refused WANT ARG...: bench/report ARG... exits 2, says WANT first, then
  # the usage.
  refused() {
    local want=$1 rc=0
    shift
    TIDEMARK_BENCH_BUILD=$build/never bash "$root/bench/report" "$@" </dev/null >/dev/null \
      2>"$build/err" || rc=$?
    [ "$rc" -eq 2 ] || bad "'$*': exit $rc, not 2"
    [ "$(head -n 1 "$build/err")" = "$want" ] || bad "'$*': said '$(head -n 1 "$build/err")'"
    grep -q '^usage: bash bench/report ' "$build/err" || bad "'$*': no usage line"
    cases=$((cases + 1))
  }
  # the options | the line the report must print first
  while IFS='|' read -r opts want; do
    # shellcheck disable=SC2086 # the options are several words on purpose
    refused "$want" $opts
  done <<'CASES'
--n abc|report: --n: 'abc' is not a whole number from 1 to 999999999
--n 0|report: --n: '0' is not a whole number from 1 to 999999999
--n 1000,|report: --n: '1000,' is not a list of counts
--n 1000 --rounds 0|report: --rounds: '0' is not a whole number from 1 to 999999999
--n 1000 --rounds 2 --reps 102|report: --reps: '102' is not a whole number from 1 to 101
--warmup -1|report: --warmup: '-1' is not a whole number from 0 to 999999999
--warmup 1,2|report: --warmup: '1,2' is one count for every size
--n 1000,2000 --rounds 1,2,3|report: --rounds has 3 counts for 2 sizes: give one, or one per size
--n 1000|report: --rounds has 3 counts for 1 sizes: give one, or one per size
--rounds 08 --n 1000|report: --rounds: '08' is not a whole number from 1 to 999999999
--bogus 1|report: unknown option '--bogus'
--n|report: --n needs a value
--into /nonexistent/page.md|report: --into: '/nonexistent/page.md' is not a file this user may rewrite (in a folder it may write)
CASES
  # A page without the markers, or with them in the wrong order; no page.
  for page in "no markers" "<!-- /bench-report -->
<!-- bench-report -->"; do
    printf '%s\n' "$page" >"$build/page.md"
    refused "report: --into: '$build/page.md' needs one line '<!-- bench-report -->' and, after it, one line '<!-- /bench-report -->'" \
      --into "$build/page.md"
  done
  refused "report: --into: the page's name is empty" --into ""
  [ "$cases" -eq 16 ] || bad "$cases cases ran, not 16"
  [ ! -e "$build/never" ] || bad "a refused run made its build directory"
  if [ "$fails" -ne 0 ]; then
    echo "test_report (bad-args): $fails failure(s)" >&2
    exit 1
  fi
  echo "test_report (bad-args): ok"
  exit 0
fi

case "$mode" in
  all)
    # Into a page, as docs/performance.md is written: the report between the
    # markers, headings two levels down, the rest of the page as it was.  The
    # page is named relative to the folder the report is run from, with a
    # space in its name.
    page="$build/a page.md"
    printf '# Page\n\nbefore\n<!-- bench-report -->\nan old report\n<!-- /bench-report -->\nafter\n' >"$page"
    (cd "$build" && TIDEMARK_BENCH_BUILD=$build bash "$root/bench/report" "${args[@]}" --into "a page.md") \
      </dev/null >"$out" 2>"$err" ||
      { cat "$err" >&2; echo "FAIL: bench/report exited non-zero" >&2; exit 1; }
    grep -qxF "report: written into $page" "$err" || bad "no line saying the page was written"
    { printf '# Page\n\nbefore\n<!-- bench-report -->\n'; sed 's/^#/###/' "$out"
      printf '<!-- /bench-report -->\nafter\n'; } >"$build/page.want"
    cmp -s "$page" "$build/page.want" ||
      bad "the page is not the report between its markers: diff '$page' $build/page.want"
    has "$err" '^report: N=1000 round 1/2: tidemark swiss go goswiss abseil ' \
      "round 1 does not run the five sides in order"
    has "$err" '^report: N=1000 round 2/2: swiss go goswiss abseil tidemark ' \
      "round 2 does not start with the second side"
    has "$out" '^- Go >= 1\.24 \(the Swiss map\): `go version go1\.(2[4-9]|[3-9][0-9])' \
      "no go version line for the Swiss map's Go"
    has "$out" '^### Swiss map beside go1\.(2[4-9]|[3-9][0-9])' "no Swiss map / Go >= 1.24 table"
    has "$out" '^### Memory per entry \(bytes / N\): Swiss map beside go1\.' \
      "no memory table beside Go >= 1.24"
    has "$out" '^- Swiss map at least 2x go1\.[0-9.]+.s speed: (met|missed) \([0-9]+ of 6 pairs missed\)' \
      "no verdict of the Swiss map against Go >= 1.24"
    ;;
  no-swiss-go)
    empty=$build/empty
    mkdir -p "$empty"
    if ! unshare -rm true 2>/dev/null; then
      echo "SKIP: no private mount namespace here (unshare -rm), so /usr/local/go cannot be hidden" >&2
      exit 77
    fi
    # Inside the namespace: /usr/local/go hidden, PATH cut, then the report,
    # unless a Go >= 1.24 is still in reach (say, a Debian golang-go in
    # /usr/bin), which the test cannot hide: exit 77, skipped.
    # shellcheck disable=SC2016 # expanded by the inner shell
    rc=0
    unshare -rm env -u TIDEMARK_GO_SWISS PATH=/usr/bin:/bin bash -c \
      '[ ! -d /usr/local/go ] || mount --bind "$1" /usr/local/go || exit 3
       if found=$(bash "$2/scripts/go-find" swiss 2>/dev/null); then
         echo "SKIP: a Go >= 1.24 is still in reach with /usr/local/go hidden: $found" >&2
         exit 77
       fi
       shift 2; TIDEMARK_BENCH_BUILD=$0 bash "$@"' \
      "$build" "$empty" "$root" "$root/bench/report" "${args[@]}" </dev/null >"$out" 2>"$err" || rc=$?
    [ "$rc" -ne 77 ] || { cat "$err" >&2; exit 77; }
    [ "$rc" -eq 0 ] ||
      { cat "$err" >&2; echo "FAIL: bench/report exited $rc without a Go >= 1.24" >&2; exit 1; }
    has "$err" 'no Go >= 1\.24 .*found.*the Go >= 1\.24 side is skipped' \
      "the report does not say on stderr that the Go >= 1.24 side is skipped"
    has "$err" '^report: N=1000 round 1/2: tidemark swiss go abseil ' \
      "round 1 does not run the four other sides"
    has "$out" '^- Go >= 1\.24 \(the Swiss map\): not run: go-find: no Go >= 1\.24' \
      "the header does not say the Swiss map's Go was not found"
    [ "$(grep -c '^Not run: go-find: no Go >= 1\.24' "$out")" -eq 2 ] ||
      bad "the Swiss map's time and memory tables do not both say 'Not run'"
    has "$out" '^- Swiss map at least 2x Go >= 1\.24.s speed: not run \(go-find' \
      "the Swiss map's verdict against Go does not say 'not run'"
    ;;
  *) echo "test_report: unknown mode '$mode'" >&2; exit 2 ;;
esac

# Both modes: the other sides, their tables and verdicts.
has "$out" '^- tidemark: gcc [0-9.]+, `-O2 -g -DNDEBUG`' "no tidemark build line with -DNDEBUG"
has "$out" '^- Go <= 1\.23 \(the bucket map\): `go version go1\.(1[0-9]|2[0-3])[. ]' \
  "no go version line for the bucket map's Go"
# The Abseil line runs on to a second line, which names the flags.
grep -A1 '^- Abseil: ' "$out" | grep -qF '`-O2 -DNDEBUG`' || bad "no Abseil build line with -DNDEBUG"
has "$out" '^## N = 1,000$' "no section for N = 1,000"
has "$out" '^### Bucket map beside go1\.(1[0-9]|2[0-3])' "no bucket map / Go 1.19 table"
has "$out" "^### Both maps beside Abseil's flat_hash_map" "no table beside Abseil"
has "$out" '^### Memory per entry \(bytes / N\): bucket map beside go1\.' "no bucket memory table"
# The Abseil section: every workload of each tidemark map with its ratio and
# interval, 12 rows.
abseil_rows=$(awk '/^### Both maps beside Abseil/ { on = 1; next } /^##/ { on = 0 } on' "$out" |
  grep -cE '^\| \([1-6]\) [^|]+ \| [0-9.]+ \([0-9.]+-[0-9.]+\) \| [0-9.]+ \([0-9.]+-[0-9.]+\) \| [0-9]+\.[0-9]{2} \| [0-9]+\.[0-9]{2} \[[0-9]+\.[0-9]{2}, [0-9]+\.[0-9]{2}\] \|$' || true)
[ "$abseil_rows" -eq 12 ] || bad "the Abseil section has $abseil_rows rows with figures, not 12"
has "$out" '^- bucket map at least 2x go1\.[0-9.]+.s speed: (met|missed) \([0-9]+ of 6 pairs missed\)' \
  "no verdict of the bucket map against Go 1.19"
has "$out" "^- Swiss map within 1\.1x of Abseil's time at N = 1,000: (met|missed) \([0-9]+ of 6 pairs missed\)" \
  "no verdict of the Swiss map against Abseil"
if [ "$fails" -ne 0 ]; then
  echo "test_report ($mode): $fails failure(s); the report is in $out" >&2
  exit 1
fi
echo "test_report ($mode): ok"
