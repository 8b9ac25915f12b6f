#!/usr/bin/env bash
# run-demo.sh — what `make run` does after building: unless it exists, creates a demo
# database with synthetic organisations, users and cases (made-up data only, from
# bench/gen), prints how to log in, and serves it on http://127.0.0.1:8080 until Ctrl-C.
# Usage: run-demo.sh QORGAU_BINARY GENERATOR_BINARY [DEMO_WORK_BINARY]
set -euo pipefail
qorgau=$1
gen=$2
demo=${3:-$(dirname "$gen")/demo}
dir=${QORGAU_DEMO_DIR:-build/demo}
db="$dir/qorgau.db"
port=${QORGAU_PORT:-8080}
password="demo-password-2026"

set_password() { printf '%s\n' "$password" | "$qorgau" user passwd --db "$db" --login "$1" >/dev/null; }
add_user() { printf '%s\n' "$password" | "$qorgau" user add --db "$db" --org "$1" --login "$2" --role "$3" >/dev/null; }

seed_demo() {
    mkdir -p "$dir"
    "$qorgau" init --db "$db" >/dev/null
    # Eight synthetic organisations (1 = Synthetic NGO Almaty, 2 = Synthetic Police
    # Astana, ...), each with a supervisor gen.supK and a case manager gen.cmK, and 300
    # made-up cases spread over them.
    "$gen" --db "$db" --cases 300 --seed 2026 2>/dev/null
    set_password gen.sup1
    set_password gen.cm1
    set_password gen.sup2
    add_user 1 demo.admin admin
    printf '%s\n' "$password" |
        "$qorgau" user add --db "$db" --org 1 --login demo.sysadmin --role admin --system-wide \
        >/dev/null
    add_user 2 demo.police first_responder
    add_user 1 demo.analyst analyst
    add_user 1 demo.auditor auditor
    # The work on every home page (bench/demo.c): a filled service directory, agreements
    # of Synthetic NGO Almaty with Turkistan and Karaganda, referrals both ways (answered,
    # waiting, overdue), gen.cm1's tasks and safety-plan reviews due, a few audited reads
    # and an emergency access, an access request of gen.sup2 waiting for gen.sup1, an
    # account waiting for gen.sup1's confirmation.
    "$demo" --db "$db"
}

if [ ! -f "$db" ]; then
    echo "Creating the demo database $db (synthetic data only) ..."
    seed_demo
fi

cat <<TXT

Qorgau demo — http://127.0.0.1:$port/   (database: $db, key file: $db.key)

Open http://127.0.0.1:$port/ in a browser and log in with one of the users below
(the interface is in Kazakh; Русский and English are at the top of every page).
The same server answers the JSON API, e.g.
  curl -c /tmp/qg.jar -H 'Content-Type: application/json' \\
       -d '{"login":"gen.sup1","password":"$password"}' http://127.0.0.1:$port/api/v1/session
  curl -b /tmp/qg.jar http://127.0.0.1:$port/api/v1/cases

Demo users (password for all: $password):
  gen.sup1       supervisor       every case of Synthetic NGO Almaty
  gen.cm1        case_manager     the cases assigned to them there
  gen.sup2       supervisor       every case of Synthetic Police Astana
  demo.police    first_responder  opens cases (Synthetic Police Astana)
  demo.admin     admin            the accounts of Synthetic NGO Almaty
  demo.sysadmin  admin            system-wide: organisations, every organisation's accounts
  demo.analyst   analyst          aggregate figures only
  demo.auditor   auditor          the audit trail

Stop with Ctrl-C. Delete $dir to start again from scratch.
TXT
exec "$qorgau" serve --db "$db" --port "$port"
