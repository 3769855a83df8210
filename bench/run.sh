#!/usr/bin/env bash
# The engine against GNU tar on the same seeded data, side by side in one run; writes bench/RESULTS.md.
# bench/run.sh --help lists the options.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/run.sh [options]

Measures the engine (the packaged CLI, `java -jar target/quarkus-app/quarkus-run.jar`, and the running service
over HTTP) against GNU tar (the legacy `tar -czf -g`, `tar -I pigz`, `tar --zstd`, the legacy restore loop) on
the same seeded data, checks that every output restores to the source tree, and writes the page (bench/RESULTS.md
by default) itself: commit, machine, commands, every sample, min/median/max, CPU, peak RSS, archive sizes, the
ratio engine/tar against the targets of issue #15.

Options:
  --work DIR        where data, archives and restores go, relative to the repository (default target/bench; data kept
                    there and reused by the next run with the same scale). Put it on tmpfs to keep disk noise out.
  --scale F         size of the two datasets, 0 < F <= 4 (1.0: mixed ~1.2 GiB in 20k files, many-small 200k
                    files of 0-8 KiB; default 0.75: the default run takes about 40 minutes on 2 cores, the
                    figure of the page written at bf93c78; --estimate prints the model's figure for any options)
  --datasets LIST   comma-separated, of: mixed, many-small (default mixed,many-small); "none" for no dataset rows
  --runs N          samples per row, 1..20 (default 3)
  --series LIST     scale series sizes, comma-separated, of 10k, 100k, 1m or a count 1000..2000000
                    (default 10k,100k); "none" for no series. On 2 cores 100k takes about 7 min; 1m is
                    not linear: the run of 10k,100k,1m with --profile took 130 min (about 120 of them for 1m;
                    the 1M tree is generated once under --work and reused by later runs; it needs about 16 GiB
                    there: 4 KiB blocks for the generated tree, its working copy and a restore, and the archives)
  --no-service      leave out the in-service rows (which start the packaged service)
  --profile         for each engine row that misses its target, one more run of its engine command under JFR:
                    the page names what bounds it (deflate, zstd, file-system calls, tar headers, hashing,
                    start-up, ...) with the share of samples, its top frames and the wall time split into
                    start-up and the rest; adds about 4 min to the default run
  --no-build        use the existing target/quarkus-app and target/test-classes instead of building
  --output FILE     the page to write (default bench/RESULTS.md)
  --quick           a check of the script: tiny data, 1 run, series 2k (overrides --scale, --runs, --series)
  --estimate        print how long the run would take and exit
  -h, --help        this text

Needs JDK 17, Maven, GNU tar, gzip, pigz, zstd and GNU time (/usr/bin/time; Debian package `time`).
Maven options go in MAVEN_ARGS (e.g. MAVEN_ARGS=-o). Exit status: 0 all rows restore, 1 a row FAILED or the
run broke, 2 a wrong command line (nothing created).
EOF
}

fail_usage() {
    echo "bench/run.sh: $1 (see bench/run.sh --help)" >&2
    exit 2
}

work=target/bench
scale=0.75
datasets=mixed,many-small
runs=3
series=10k,100k
service=true
profile=false
build=true
output=bench/RESULTS.md
quick=false
estimate_only=false
invocation="bench/run.sh${*:+ $*}"

while [ $# -gt 0 ]; do
    option="$1"
    value=""
    case "$option" in
        --*=*) value="${option#*=}"; option="${option%%=*}"; has_value=true ;;
        *) has_value=false ;;
    esac
    case "$option" in
        --work|--scale|--datasets|--runs|--series|--output)
            if [ "$has_value" = false ]; then
                [ $# -ge 2 ] || fail_usage "$option needs a value"
                value="$2"; shift
            fi
            case "$option" in
                --work) work="$value" ;;
                --scale) scale="$value" ;;
                --datasets) datasets="$value" ;;
                --runs) runs="$value" ;;
                --series) series="$value" ;;
                --output) output="$value" ;;
            esac ;;
        --no-service|--profile|--no-build|--quick|--estimate|-h|--help)
            [ "$has_value" = false ] || fail_usage "$option takes no value"
            case "$option" in
                --no-service) service=false ;;
                --profile) profile=true ;;
                --no-build) build=false ;;
                --quick) quick=true ;;
                --estimate) estimate_only=true ;;
                -h|--help) usage; exit 0 ;;
            esac ;;
        *) fail_usage "unknown option or argument '$1'" ;;
    esac
    shift
done

if [ "$quick" = true ]; then
    scale=0.002; runs=1; series=2k
fi
[ -n "$work" ] || fail_usage "--work must not be empty"
[[ "$scale" =~ ^[0-9]*\.?[0-9]+$ ]] || fail_usage "--scale must be a number, was '$scale'"
awk -v s="$scale" 'BEGIN { exit !(s > 0 && s <= 4) }' || fail_usage "--scale must be > 0 and <= 4, was '$scale'"
[[ "$runs" =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] && [ "$runs" -le 20 ] || fail_usage "--runs must be 1..20, was '$runs'"
[ "$datasets" = none ] && datasets=""
if [ -n "$datasets" ]; then
    IFS=, read -ra names <<<"$datasets"
    for name in "${names[@]}"; do
        case "$name" in mixed|many-small) ;; *) fail_usage "--datasets: unknown dataset '$name' (mixed, many-small)" ;; esac
    done
fi
[ "$series" = none ] && series=""
series_files=()
if [ -n "$series" ]; then
    IFS=, read -ra sizes <<<"$series"
    for size in "${sizes[@]}"; do
        case "$size" in
            *k) n="${size%k}"; [[ "$n" =~ ^[0-9]+$ ]] || fail_usage "--series: bad size '$size'"; n=$((n * 1000)) ;;
            *m) n="${size%m}"; [[ "$n" =~ ^[0-9]+$ ]] || fail_usage "--series: bad size '$size'"; n=$((n * 1000000)) ;;
            *) [[ "$size" =~ ^[0-9]+$ ]] || fail_usage "--series: bad size '$size' (10k, 100k, 1m or a count)"; n="$size" ;;
        esac
        [ "$n" -ge 1000 ] && [ "$n" -le 2000000 ] || fail_usage "--series: '$size' is not 1000..2000000 files"
        series_files+=("$n")
    done
fi
[ -z "$datasets" ] && [ -z "$series" ] && fail_usage "nothing to run: no dataset and no series"

# A model of this run's length on a quiet 2-core machine (seconds), fitted to the page bench/run.sh --profile wrote
# at bf93c78 (39 min 45 s: datasets at scale 0.75, 3 runs, series 10k and 100k, in-service rows): per sample, the
# medians of both tools' rows; once per dataset, generation, copies, tree hashes, the restore checks and their
# deletes, the chain's levels; with --profile, one more engine run of each row that missed its target (all did)
# plus about 1.5 s of JFR start and reading per row. The series grows linearly in files (the 10k and 100k figures
# fit k * 0.93 + 7 s per sample), so a million is an extrapolation (see --help).
estimate() {
    awk -v scale="$scale" -v runs="$runs" -v datasets=",$datasets," -v series="${series_files[*]:-}" \
        -v service="$service" -v profile="$profile" 'BEGIN {
        svc = service == "true" ? 1 : 0
        prof = profile == "true" ? 1 : 0
        t = 0
        if (index(datasets, ",mixed,")) {
            gib = 1.2 * scale
            t += runs * (gib * (190 + svc * 30) + 8) + gib * 150 + 30 + svc * 15 + prof * (gib * 50 + 9)
        }
        if (index(datasets, ",many-small,")) {
            k = 200 * scale
            t += runs * (k * (1.15 + svc * 0.125) + 4) + k * 2.5 + 20 + svc * 15 + prof * (k * 0.5 + 9)
        }
        n = split(series, s, " ")
        for (i = 1; i <= n; i++) {
            k = s[i] / 1000
            # per sample: both tools, 5 rows, and deleting the restored trees; once: generation, copy, 3 tree
            # hashes, the level-1 restore checks and the 4 levels that build the chain
            t += runs * (k * 1.0 + 7) + k * 0.85 + 10 + prof * (k * 0.54 + 8)
            # above 100k the page cache of the work directory and the deletes of restored trees stop scaling linearly:
            # the 10k,100k,1m run with --profile at 80c82d0 took 129 min 50 s where the linear model said 83 min
            if (k > 100) t += (k - 100) * 3.1
        }
        if (n > 0) {
            pairs = runs * 2 + 1 > 5 ? runs * 2 + 1 : 5
            m = 10000
            for (i = 1; i <= n; i++) if (s[i] < m) m = s[i]
            t += (pairs * 2 + 2) * (m / 1000 * 0.08 + 0.3)
        }
        printf "%d", t
    }'
}
seconds=$(estimate)
echo "bench/run.sh: estimated $((seconds / 60)) min $((seconds % 60)) s on 2 cores (datasets: ${datasets:-none}, scale $scale, runs $runs, series: ${series:-none}), plus the build"
[ "$estimate_only" = true ] && exit 0

for tool in tar gzip pigz zstd git; do
    command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool is not installed" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench/run.sh: GNU time (/usr/bin/time) is not installed: apt-get install time" >&2; exit 1; }

cd "$(dirname "$0")/.."
export LANG=C.UTF-8 LC_ALL=C.UTF-8
if [ "$build" = true ]; then
    mvn -B -q package -DskipTests
fi
jar=target/quarkus-app/quarkus-run.jar
[ -f "$jar" ] || { echo "bench/run.sh: $jar is missing (build it, or leave out --no-build)" >&2; exit 1; }
[ -d target/test-classes/org/aiod/backup/bench ] || { echo "bench/run.sh: target/test-classes is missing" >&2; exit 1; }
if [ "$build" = true ] || [ ! -f target/bench-classpath.txt ]; then
    mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
fi
mkdir -p "$work"
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
start=$(date +%s)
status=0
java -cp "$cp" org.aiod.backup.bench.Benchmark "$output" "work=$work" "jar=$jar" "scale=$scale" "runs=$runs" \
    "datasets=$datasets" "series=$(IFS=,; echo "${series_files[*]:-}")" "service=$service" "profile=$profile" \
    "invocation=$invocation" || status=$?
end=$(date +%s)
echo "bench/run.sh: took $(((end - start) / 60)) min $(((end - start) % 60)) s (estimated $((seconds / 60)) min $((seconds % 60)) s)"
exit $status
