#!/bin/bash
# Bad store targets through the real binary: each must give one clear
# error line "detente: SPEC: reason", exit 1, and leave nothing
# half-written. usage: bad.sh DETENTE SHARED_DATA SOURCE_DIR CASE
DETENTE=$1 DATA=$2 SRC=$3 CASE=$4
. "$(dirname "$0")/common.sh"
T=$(mktemp -d)
chmod 755 "$T"
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
head -n 40 "$NEWS" >"$T/in.jsonl"

# run SPEC [prefix...]: run detente code into SPEC, keep status and stderr.
run() {
    local spec=$1
    shift
    set +e
    "$@" "$DETENTE" code -q "${DICT[@]}" --output "$spec" "$T/in.jsonl" >"$T/out" 2>"$T/err"
    st=$?
    set -e
}
expect_error() { # SPEC PATTERN
    [ "$st" = 1 ] || { cat "$T/err"; fail "$CASE: exit status $st, want 1"; }
    grep -q "^detente: $1: .*$2" "$T/err" || { cat "$T/err"; fail "$CASE: no 'detente: $1: ...$2' line"; }
    [ "$(grep -c . "$T/err")" -le 2 ] || { cat "$T/err"; fail "$CASE: more than one error"; }
}
# As root, file permissions don't bind: run as nobody for permission cases.
as_user=()
if [ "$(id -u)" = 0 ]; then
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
set -e
case $CASE in
nodir)
    run "sqlite:$T/no/such/dir/x.db"
    expect_error "sqlite:$T/no/such/dir/x.db" "cannot open"
    [ ! -e "$T/no" ] || fail "created something"
    ;;
readonly-db)
    "$DETENTE" code -q "${DICT[@]}" --output "sqlite:$T/ro.db" "$T/in.jsonl"
    sqlite3 "$T/ro.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    chmod 444 "$T/ro.db"
    before=$(md5sum <"$T/ro.db")
    run "sqlite:$T/ro.db" "${as_user[@]}"
    expect_error "sqlite:$T/ro.db" "read-only\|readonly\|unable to open\|cannot"
    [ "$(md5sum <"$T/ro.db")" = "$before" ] || fail "read-only database changed"
    ;;
readonly-dir)
    mkdir "$T/rd"
    chmod 555 "$T/rd"
    run "sqlite:$T/rd/x.db" "${as_user[@]}"
    expect_error "sqlite:$T/rd/x.db" "cannot"
    [ -z "$(ls -A "$T/rd")" ] || fail "wrote into a read-only directory"
    ;;
locked)
    # Another process holds the write lock past the 10 s busy timeout:
    # one error line, exit 1, the store untouched; readers are not
    # blocked meanwhile (WAL), and a re-run once the lock is gone
    # completes the store.
    head -n 20 "$T/in.jsonl" >"$T/half.jsonl"
    "$DETENTE" code -q "${DICT[@]}" --output "sqlite:$T/lk.db" "$T/half.jsonl"
    before=$(q "$T/lk.db" "SELECT count(*) FROM events")
    (
        echo 'BEGIN EXCLUSIVE;'
        sleep 14
    ) | sqlite3 "$T/lk.db" &
    holder=$!
    sleep 1
    "$DETENTE" series --db "sqlite:$T/lk.db" --period year >"$T/series" ||
        fail "locked: a reader was blocked by the writer's lock"
    run "sqlite:$T/lk.db"
    wait "$holder"
    expect_error "sqlite:$T/lk.db" "locked"
    [ "$(q "$T/lk.db" "SELECT count(*) FROM events")" = "$before" ] || fail "locked store changed"
    check_consistent "$T/lk.db"
    "$DETENTE" code -q "${DICT[@]}" --output "sqlite:$T/lk.db" "$T/in.jsonl"
    [ "$(q "$T/lk.db" "SELECT count(*) FROM events")" -gt "$before" ] || fail "re-run added nothing"
    check_consistent "$T/lk.db"
    ;;
newer-schema)
    sqlite3 "$T/new.db" "CREATE TABLE future(x); PRAGMA user_version = 99;"
    before=$(md5sum <"$T/new.db")
    run "sqlite:$T/new.db"
    expect_error "sqlite:$T/new.db" "schema version 99 is newer"
    [ "$(md5sum <"$T/new.db")" = "$before" ] || fail "newer store was modified"
    [ "$(q "$T/new.db" "PRAGMA journal_mode")" = delete ] || fail "journal mode changed"
    ;;
not-a-store)
    sqlite3 "$T/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES(1);"
    run "sqlite:$T/other.db"
    expect_error "sqlite:$T/other.db" "not a detente store"
    ;;
disk-full)
    # A file size limit stands in for a full disk: the store grows past
    # it on the first batch commit. The open batch must be rolled back.
    gen_news 3 "$T/in.jsonl"
    run "sqlite:$T/full.db" bash -c 'ulimit -f 150; exec "$@"' limit
    # The store was usable and the run began: a write failure mid-run is
    # exit 2, as on stdout (an unusable store at the start is exit 1).
    [ "$st" = 2 ] || { cat "$T/err"; fail "disk-full: exit status $st, want 2"; }
    grep -q "^detente: sqlite:$T/full.db: .*\(disk\|full\|I/O\|large\)" "$T/err" ||
        { cat "$T/err"; fail "disk-full: no clear error line"; }
    check_consistent "$T/full.db"
    # With room again, a re-run completes it.
    "$DETENTE" code -q "${DICT[@]}" --output "sqlite:$T/full.db" "$T/in.jsonl"
    check_consistent "$T/full.db"
    [ "$(q "$T/full.db" "SELECT count(*) FROM documents")" = "$(wc -l <"$T/in.jsonl")" ] ||
        fail "re-run after disk full incomplete"
    ;;
pg-unreachable)
    run "postgresql://127.0.0.1:1/detente?connect_timeout=5"
    expect_error "postgresql://127.0.0.1:1/detente?connect_timeout=5" "cannot connect"
    ;;
pg-password-hidden)
    run "postgresql://u:secret@127.0.0.1:1/detente"
    expect_error "postgresql://u:\*\*\*@127.0.0.1:1/detente" "cannot connect"
    ! grep -q secret "$T/err" || fail "password printed"
    ;;
bad-spec)
    run "mysql://x"
    [ "$st" = 1 ] || fail "bad-spec: exit $st"
    grep -q "unsupported output" "$T/err" || { cat "$T/err"; fail "bad-spec: no message"; }
    ;;
*)
    fail "unknown case $CASE"
    ;;
esac
cat "$T/err" >&2
echo "OK: $CASE"
