#!/usr/bin/env bash
# run-demo.sh — what `make run` does after building: creates a demo database with demo
# organisations, users and synthetic cases (made-up data only) unless it exists, prints
# how to log in, and serves it on http://127.0.0.1:8080 until Ctrl-C.
# Usage: run-demo.sh QORGAU_BINARY [GENERATOR_BINARY]
set -euo pipefail
qorgau=$1
gen=${2:-}
dir=${QORGAU_DEMO_DIR:-build/demo}
db="$dir/qorgau.db"
port=${QORGAU_PORT:-8080}
password="demo-password-2026"

users=(
  "1 demo.admin admin"
  "1 demo.supervisor supervisor"
  "1 demo.manager case_manager"
  "1 demo.manager2 case_manager"
  "2 demo.police first_responder"
  "1 demo.analyst analyst"
  "1 demo.auditor auditor"
  "3 demo.school first_responder"
)

seed_demo() {
    mkdir -p "$dir"
    "$qorgau" init --db "$db" >/dev/null
    "$qorgau" org add --db "$db" --name "Demo NGO Almaty" --type ngo --region almaty >/dev/null
    "$qorgau" org add --db "$db" --name "Demo Police Department Shymkent" --type police --region shymkent >/dev/null
    "$qorgau" org add --db "$db" --name "Demo School No. 1 Astana" --type education --region astana >/dev/null
    for u in "${users[@]}"; do
        read -r org login role <<<"$u"
        printf '%s\n' "$password" | "$qorgau" user add --db "$db" --org "$org" --login "$login" --role "$role" >/dev/null
    done
    if [ -n "$gen" ] && [ -x "$gen" ]; then
        "$gen" --db "$db" --cases 200 --seed 2026 --orgs existing >/dev/null 2>&1 ||
            echo "run-demo: the synthetic case generator failed; the demo starts without cases" >&2
    fi
}

if [ ! -f "$db" ]; then
    echo "Creating the demo database $db (made-up data only) ..."
    seed_demo
fi

cat <<TXT

Qorgau demo — http://127.0.0.1:$port/   (database: $db, key file: $db.key)

Log in with POST /api/v1/session, e.g.
  curl -c /tmp/qg.jar -H 'Content-Type: application/json' \\
       -d '{"login":"demo.supervisor","password":"$password"}' http://127.0.0.1:$port/api/v1/session
  curl -b /tmp/qg.jar http://127.0.0.1:$port/api/v1/cases

Demo users (password for all: $password):
  demo.admin        admin            users and organisations
  demo.supervisor   supervisor       every case of Demo NGO Almaty
  demo.manager      case_manager     the cases assigned to them
  demo.police       first_responder  opens cases (Demo Police Department Shymkent)
  demo.analyst      analyst          aggregate figures only
  demo.auditor      auditor          the audit trail

Stop with Ctrl-C. Delete $dir to start again from scratch.
TXT
exec "$qorgau" serve --db "$db" --port "$port"
