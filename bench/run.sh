#!/usr/bin/env bash
# run.sh — the Qorgau benchmark, run by `make bench`. In one run on this machine it
# measures, with wrk over loopback:
#   (a) nginx serving a static file holding the exact JSON body of (b) — the reference;
#   (b) an authenticated GET /api/v1/cases/CODE on `qorgau serve`;
#   (c) durable POST /api/v1/cases (a new case with encrypted personal data) on 16
#       connections;
# and the server's peak resident memory while under load. It prints req/s, p99 latency,
# the GET/nginx ratio, creates/s and peak RSS against the targets (GET >= 50% of
# nginx, >= 2,000 creates/s, < 64 MB). Targets are informational: a missed target is
# printed as FAIL and the exit status stays 0. A measurement that cannot be trusted
# (a non-2xx answer, or cases in the database not matching the 201 answers) exits 1.
#
# Everything lives in a temporary directory (database, key, nginx config, logs) that
# is removed on exit; both servers listen on 127.0.0.1 only and are stopped on exit.
# Knobs (environment): BENCH_CASES (10000), BENCH_SEED (1), BENCH_DURATION (seconds,
# 10), BENCH_ROUNDS (3), BENCH_CONNECTIONS (16), BENCH_WRK_THREADS (2), BENCH_THREADS
# (server threads and nginx workers, 16), BENCH_KEEP=1 keeps the temporary directory.
# Each figure is the median of the rounds; nginx and GET runs alternate.
set -euo pipefail
cd "$(dirname "$0")/.."

CASES=${BENCH_CASES:-10000}
SEED=${BENCH_SEED:-1}
DURATION=${BENCH_DURATION:-10}
CONNS=${BENCH_CONNECTIONS:-16}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
THREADS=${BENCH_THREADS:-16}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=2
GET_RATIO_MIN=0.50
CREATES_MIN=2000
RSS_MAX_MB=64

QORGAU=build/release/qorgau
GEN=build/release/bench/gen
LOGIN=bench.sup
PASSWORD=bench-password-not-secret

scripts/deps.sh bench
make --no-print-directory "$QORGAU" "$GEN" >/dev/null # errors still reach stderr

work=$(mktemp -d /tmp/qorgau-bench.XXXXXX)
server_pid=""
nginx_pid=""
sampler_pid=""

stop_pid() {
    local pid=$1
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
    stop_pid "$sampler_pid"
    stop_pid "$server_pid"
    stop_pid "$nginx_pid"
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        echo "bench: kept $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
    echo "bench: $*" >&2
    exit 1
}

# A TCP port on 127.0.0.1 that nothing answers on (the caller retries on a race).
free_port() {
    local p
    for _ in $(seq 100); do
        p=$((20000 + RANDOM % 12000)) # below the kernel's ephemeral range
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# wrk latency text (e.g. 812.00us, 1.25ms, 2.01s) in milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000;
        else if (v ~ /s$/) n *= 1000
        printf "%.2f", n }'
}

wrk_field() { # FILE WHAT: rps | p99 | requests | non2xx | errors
    case "$2" in
        rps) awk '/^Requests\/sec:/ {print $2}' "$1" ;;
        p99) to_ms "$(awk '$1 == "99%" {print $2}' "$1")" ;;
        requests) awk '/requests in/ {print $1}' "$1" ;;
        non2xx) awk '/Non-2xx or 3xx responses:/ {n = $NF} END {print n + 0}' "$1" ;;
        errors) awk '/Socket errors:/ {sub(/^ *Socket errors: */, ""); print}' "$1" ;;
    esac
}

run_wrk() { # OUTFILE SECONDS [wrk args...]; wrk's CPU seconds are appended to wrk.cpu
    local out=$1 secs=$2 TIMEFORMAT='%U %S'
    shift 2
    { time timeout $((secs + 30)) wrk -t"$WRK_THREADS" -c"$CONNS" -d"${secs}s" --latency --timeout 5s \
        "$@" >"$out" 2>&1; } 2>>"$work/wrk.cpu" || die "wrk failed: $(cat "$out")"
}

# CPU accounting, to tell a quiet run from a disturbed one: jiffies busy on the whole
# machine, jiffies the hypervisor withheld (steal), and jiffies of our own servers.
busy_jiffies() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
steal_jiffies() { awk '/^cpu / {print $9}' /proc/stat; }
ours_jiffies() {
    local s=0 p
    for p in "$server_pid" "$nginx_pid" $(pgrep -P "$nginx_pid" || true); do
        if [ -r "/proc/$p/stat" ]; then s=$((s + $(awk '{print $14 + $15}' "/proc/$p/stat"))); fi
    done
    echo "$s"
}

sql() { sqlite3 -cmd ".timeout 10000" "$work/bench.db" "$1"; }

# --- data ------------------------------------------------------------------------
echo "bench: generating $CASES cases (seed $SEED)" >&2
"$QORGAU" init --db "$work/bench.db" >/dev/null
"$GEN" --db "$work/bench.db" --cases "$CASES" --seed "$SEED"

# The case to read: one with personal data and a case manager, like most worked cases.
read -r code org_id < <(sql "SELECT code || ' ' || org_id FROM cases c
    WHERE EXISTS (SELECT 1 FROM case_personal p WHERE p.case_id = c.id)
      AND EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id)
    ORDER BY id LIMIT 1") || true
[ -n "${code:-}" ] || die "no case with personal data and a case manager to read"
printf '%s\n' "$PASSWORD" | "$QORGAU" user add --db "$work/bench.db" --org "$org_id" \
    --login "$LOGIN" --role supervisor >/dev/null

# --- the Qorgau server -----------------------------------------------------------
"$QORGAU" serve --db "$work/bench.db" --bind 127.0.0.1 --port 0 --threads "$THREADS" \
    2>"$work/server.log" &
server_pid=$!
port=""
for _ in $(seq 100); do
    port=$(sed -n 's|.*serving http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/server.log")
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || die "server did not start: $(cat "$work/server.log")"
    sleep 0.1
done
[ -n "$port" ] || die "server did not report its port"
base="http://127.0.0.1:$port"

curl -sS --max-time 20 -D "$work/login.h" -o "$work/login.json" \
    -H 'Content-Type: application/json' \
    --data "{\"login\":\"$LOGIN\",\"password\":\"$PASSWORD\"}" "$base/api/v1/session"
token=$(sed -n 's/^[Ss]et-[Cc]ookie: *qg_session=\([0-9a-f]*\);.*/\1/p' "$work/login.h")
csrf=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$work/login.json")
[ -n "$token" ] && [ -n "$csrf" ] || die "login failed: $(head -n 1 "$work/login.h")"

mkdir -m 755 "$work/www" "$work/nginx"
chmod 711 "$work" # nginx workers may run as another user; they need only www/
status=$(curl -sS --max-time 10 -D "$work/get.h" -o "$work/www/case.json" -w '%{http_code}' \
    -H "Cookie: qg_session=$token" "$base/api/v1/cases/$code")
[ "$status" = 200 ] || die "GET of the case answered $status"
chmod 644 "$work/www/case.json"
body_bytes=$(wc -c <"$work/www/case.json")

# --- nginx: the same bytes as a static file, with the same response headers -------
add_headers=$(tr -d '\r' <"$work/get.h" | awk -F': ' 'NR > 1 && NF >= 2 {
    name = tolower($1)
    if (name ~ /^(date|content-length|content-type|connection|keep-alive|server|set-cookie)$/) next
    value = substr($0, length($1) + 3)
    if (value ~ /[$"\\]/) next
    printf "        add_header %s \"%s\" always;\n", $1, value }')
content_type=$(tr -d '\r' <"$work/get.h" | sed -n 's/^[Cc]ontent-[Tt]ype: *//p')
nport=""
for _ in 1 2 3 4 5; do
    nport=$(free_port) || die "no free port for nginx"
    cat >"$work/nginx/nginx.conf" <<EOF
# nginx.conf — the benchmark's reference server: one static file on 127.0.0.1.
daemon off;
worker_processes $THREADS;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    server_tokens off;
    sendfile on;
    keepalive_timeout 65;
    keepalive_requests 10000000;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    types { }
    default_type "$content_type";
    server {
        listen 127.0.0.1:$nport;
        root $work/www;
        etag off;
$add_headers
    }
}
EOF
    nginx -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" \
        2>>"$work/nginx/error.log" &
    nginx_pid=$!
    for _ in $(seq 50); do
        if curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$nport/case.json"; then break 2; fi
        kill -0 "$nginx_pid" 2>/dev/null || break
        sleep 0.1
    done
    stop_pid "$nginx_pid"
    nginx_pid=""
done
[ -n "$nginx_pid" ] || die "nginx did not start: $(cat "$work/nginx/error.log" 2>/dev/null)"
cmp -s "$work/www/case.json" <(curl -sS --max-time 5 "http://127.0.0.1:$nport/case.json") ||
    die "nginx does not serve the same bytes"

# --- POST script -------------------------------------------------------------------
# A small new case with a made-up child's name (no IIN, so repeating it never collides).
cat >"$work/post.lua" <<EOF
-- post.lua — wrk script: POST one new case with the session cookie and CSRF token,
-- counting 201 answers across threads.
wrk.method = "POST"
wrk.body = '{"sex":"Feminine","citizenship":"KZ","region":"almaty","identified_on":"2025-03-14",'
    .. '"stage":"identification","age_at_identification":15,'
    .. '"personal":{"given_name":"Айнагүл","family_name":"Сарова","languages":["kk","ru"]}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "qg_session=$token"
wrk.headers["X-CSRF-Token"] = "$csrf"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) created = 0 end
function response(status, headers, body) if status == 201 then created = created + 1 end end
function done(summary, latency, requests)
    local n = 0
    for _, t in ipairs(threads) do n = n + t:get("created") end
    io.write(string.format("BENCH-CREATED %d\n", n))
end
EOF

# --- memory sampler ------------------------------------------------------------------
# Login hashes the password with argon2id (64 MiB, freed at once); reset the peak so
# VmHWM measures the load, and sample VmRSS as well.
hwm_reset=no
if (echo 5 >"/proc/$server_pid/clear_refs") 2>/dev/null; then hwm_reset=yes; fi
rss_idle_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status")
(
    while kill -0 "$server_pid" 2>/dev/null; do
        awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || true
        sleep 0.2
    done
) >"$work/rss.log" &
sampler_pid=$!

# --- the runs ----------------------------------------------------------------------
# nginx and GET alternate, round after round, so a change in the machine's load hits
# both alike; each round's GET is compared with the nginx run just before it.
nginx_url="http://127.0.0.1:$nport/case.json"
get_url="$base/api/v1/cases/$code"
cookie="Cookie: qg_session=$token"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: load average before the runs: $load_before" >&2
echo "bench: $ROUNDS rounds of ${DURATION}s each: nginx, GET; then POST" >&2
run_wrk "$work/warm.txt" "$WARMUP" "$nginx_url"
run_wrk "$work/warm.txt" "$WARMUP" -H "$cookie" "$get_url"
: >"$work/wrk.cpu"
busy0=$(busy_jiffies) steal0=$(steal_jiffies) ours0=$(ours_jiffies) t0=$(date +%s.%N)
for r in $(seq "$ROUNDS"); do
    run_wrk "$work/nginx.$r.txt" "$DURATION" "$nginx_url"
    run_wrk "$work/get.$r.txt" "$DURATION" -H "$cookie" "$get_url"
done
busy1=$(busy_jiffies) steal1=$(steal_jiffies) ours1=$(ours_jiffies) t1=$(date +%s.%N)
tck=$(getconf CLK_TCK)
wrk_jiffies=$(awk -v t="$tck" '{s += $1 + $2} END {printf "%d", s * t}' "$work/wrk.cpu")
read -r other_pct steal_pct < <(awk -v b=$((busy1 - busy0)) -v st=$((steal1 - steal0)) \
    -v o=$((ours1 - ours0)) -v w="$wrk_jiffies" -v e="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" \
    -v n="$(nproc)" -v t="$tck" 'BEGIN {cap = e * n * t; x = (b - st - o - w) / cap * 100
        printf "%.1f %.1f\n", (x < 0 ? 0 : x), st / cap * 100}')
# The disk's own pace, the reference for durable writes: 4 KiB writes, each followed by
# fdatasync (dd oflag=dsync), in the same directory as the database.
fsync_probe() {
    local secs
    secs=$(LC_ALL=C dd if=/dev/zero of="$work/fsync.probe" bs=4k count=500 oflag=dsync 2>&1 |
        sed -n 's/.* copied, \([0-9.]*\) s,.*/\1/p')
    rm -f "$work/fsync.probe"
    awk -v s="${secs:-0}" 'BEGIN {printf "%.3f", s * 1000 / 500}'
}
fsync_before=$(fsync_probe)
run_wrk "$work/warm.txt" "$WARMUP" -s "$work/post.lua" "$base/api/v1/cases"
sleep 1
created_total=0
added_total=0
for r in $(seq "$ROUNDS"); do
    before=$(sql "SELECT count(*) FROM cases")
    run_wrk "$work/post.$r.txt" "$DURATION" -s "$work/post.lua" "$base/api/v1/cases"
    sleep 1 # requests still in flight when wrk stopped are answered and committed
    after=$(sql "SELECT count(*) FROM cases")
    echo "$((after - before))" >"$work/added.$r"
done
fsync_after=$(fsync_probe)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
rss_hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status")
stop_pid "$sampler_pid"
sampler_pid=""
rss_sampled_kb=$(sort -n "$work/rss.log" | tail -n 1)

# --- report --------------------------------------------------------------------------
median() {
    printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1}
        END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
ratio_of() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
at_least() { if awk -v a="$1" -v b="$2" 'BEGIN {exit !(a + 0 >= b + 0)}'; then echo PASS; else echo FAIL; fi; }

n_rps=() n_p99=() g_rps=() g_p99=() p_rps=() p_p99=() ratios=()
cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
echo
echo "Qorgau benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($cpu)"
echo "$CASES generated cases (seed $SEED); wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s x $ROUNDS rounds;" \
    "qorgau serve --threads $THREADS; nginx worker_processes $THREADS"
echo "GET body $body_bytes bytes (nginx serves the same bytes with the same headers)"
echo
for r in $(seq "$ROUNDS"); do
    n_rps+=("$(wrk_field "$work/nginx.$r.txt" rps)"); n_p99+=("$(wrk_field "$work/nginx.$r.txt" p99)")
    g_rps+=("$(wrk_field "$work/get.$r.txt" rps)"); g_p99+=("$(wrk_field "$work/get.$r.txt" p99)")
    p_rps+=("$(wrk_field "$work/post.$r.txt" rps)"); p_p99+=("$(wrk_field "$work/post.$r.txt" p99)")
    ratios+=("$(ratio_of "${g_rps[-1]}" "${n_rps[-1]}")")
    printf 'round %d: nginx %9s req/s p99 %6s ms | GET %9s req/s p99 %6s ms, %s of nginx | POST %8s/s p99 %6s ms\n' \
        "$r" "${n_rps[-1]}" "${n_p99[-1]}" "${g_rps[-1]}" "${g_p99[-1]}" "${ratios[-1]}" "${p_rps[-1]}" "${p_p99[-1]}"
done
ratio=$(median "${ratios[@]}")
creates=$(median "${p_rps[@]}")
if [ "$hwm_reset" = yes ]; then peak_kb=$rss_hwm_kb; else peak_kb=${rss_sampled_kb:-0}; fi
if [ "${rss_sampled_kb:-0}" -gt "$peak_kb" ]; then peak_kb=$rss_sampled_kb; fi
peak_mb=$(awk -v k="$peak_kb" 'BEGIN {printf "%.1f", k / 1024}')
get_ok=$(at_least "$ratio" "$GET_RATIO_MIN")
post_ok=$(at_least "$creates" "$CREATES_MIN")
mem_ok=$(at_least $((RSS_MAX_MB * 1024 - 1)) "$peak_kb")
echo
echo "median of $ROUNDS rounds:"
printf '%-32s %10s %8s  %-30s %s\n' "" "req/s" "p99 ms" "measure (target)" "result"
printf '%-32s %10s %8s  %-30s %s\n' "nginx static file (reference)" "$(median "${n_rps[@]}")" \
    "$(median "${n_p99[@]}")" "1.00" ""
printf '%-32s %10s %8s  %-30s %s\n' "GET /api/v1/cases/CODE" "$(median "${g_rps[@]}")" \
    "$(median "${g_p99[@]}")" "$ratio of nginx (>= $GET_RATIO_MIN)" "$get_ok"
printf '%-32s %10s %8s  %-30s %s\n' "POST /api/v1/cases (durable)" "$creates" \
    "$(median "${p_p99[@]}")" "$creates creates/s (>= $CREATES_MIN)" "$post_ok"
printf '%-32s %10s %8s  %-30s %s\n' "server peak RSS under load" "" "" "$peak_mb MB (< $RSS_MAX_MB MB)" "$mem_ok"
echo
echo "memory: RSS after login $((rss_idle_kb / 1024)) MB; VmHWM since the reset after login" \
    "($hwm_reset) $((rss_hwm_kb / 1024)) MB; highest 0.2 s sample of VmRSS $((${rss_sampled_kb:-0} / 1024)) MB"
fsync_ms=$(median "$fsync_before" "$fsync_after")
flush_rate=$(awk -v m="$fsync_ms" 'BEGIN {printf "%.0f", (m > 0 ? 1000 / m : 0)}')
echo "disk: a 4 KiB write + fdatasync took $fsync_before ms before the POST runs and $fsync_after ms after," \
    "so one writer flushing each record alone could store $flush_rate/s;" \
    "durable creates ran at $(ratio_of "$creates" "$flush_rate") x that bare rate (group commit)"
echo "machine during the nginx/GET rounds: other processes used $other_pct% of the $(nproc) CPUs," \
    "the hypervisor withheld $steal_pct% (steal); above a few percent the GET ratio is disturbed"
echo "load average before the runs: $load_before; after: $load_after (the benchmark's own threads count too)"

# --- checks that the figures are real --------------------------------------------------
bad=0
non2xx_total=0
for f in "$work"/nginx.*.txt "$work"/get.*.txt "$work"/post.*.txt; do
    name=$(basename "$f" .txt)
    n=$(wrk_field "$f" non2xx)
    e=$(wrk_field "$f" errors)
    non2xx_total=$((non2xx_total + n))
    if [ "$n" != 0 ]; then
        echo "check FAILED: $name: $n answers were not 2xx" >&2
        bad=1
    fi
    [ -z "$e" ] || echo "note: $name: socket errors: $e" >&2
done
for r in $(seq "$ROUNDS"); do
    created=$(sed -n 's/^BENCH-CREATED \([0-9]*\)/\1/p' "$work/post.$r.txt")
    added=$(cat "$work/added.$r")
    if [ -z "$created" ]; then
        echo "check FAILED: post round $r: the wrk script reported no count of 201 answers" >&2
        bad=1
        continue
    fi
    created_total=$((created_total + created))
    added_total=$((added_total + added))
    # Up to one request per connection is still in flight when wrk stops: the server
    # commits it, wrk never counts its answer.
    if [ "$added" -lt "$created" ] || [ "$added" -gt $((created + CONNS)) ]; then
        echo "check FAILED: post round $r: cases in the database +$added, answers 201 Created $created" >&2
        bad=1
    fi
done
echo "check: cases in the database +$added_total for $created_total answers 201 Created" \
    "(+$((added_total - created_total)) committed after wrk stopped waiting); non-2xx answers: $non2xx_total"
[ "$bad" = 0 ] || die "the measurement is not trustworthy (see above); keep the files with BENCH_KEEP=1"
echo "targets are informational: a FAIL above is a finding, not an error"
