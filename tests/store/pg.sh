#!/bin/bash
# A private PostgreSQL cluster for the store tests (a CTest fixture).
#   pg.sh start STATE   initdb + start a server on a unix socket in a fresh
#                       temp directory; writes the directory to STATE
#   pg.sh stop STATE    stop it and remove the directory
# As root the server runs as the 'postgres' user (Debian package
# postgresql). Failing to start is a failure, never a skip.
set -u
cmd=$1 state=$2
fail() {
    echo "FAIL: pg.sh: $*" >&2
    exit 1
}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] && [ -x "$bindir/initdb" ] ||
    fail "PostgreSQL server binaries not found (Debian package postgresql)"
as_pg=()
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || fail "no 'postgres' user to run the server as"
    as_pg=(runuser -u postgres --)
fi
case $cmd in
start)
    if [ -f "$state" ]; then # a stale cluster from an interrupted run
        "$0" stop "$state" || true
    fi
    # A short path: unix socket names are limited to ~107 bytes.
    dir=$(mktemp -d /tmp/dtpg.XXXXXX) || fail "mktemp"
    chmod 755 "$dir"
    [ ${#as_pg[@]} = 0 ] || chown postgres "$dir"
    "${as_pg[@]}" "$bindir/initdb" -D "$dir/data" -U detente --auth=trust -E UTF8 --locale=C \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; fail "initdb failed"; }
    "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c max_connections=20" \
        start >/dev/null || { cat "$dir/server.log"; fail "server did not start"; }
    "$bindir/psql" -X -q -h "$dir" -U detente -d postgres -c "SELECT 1" >/dev/null ||
        fail "server started but does not answer"
    echo "$dir" >"$state"
    echo "PostgreSQL running, socket in $dir"
    ;;
stop)
    [ -f "$state" ] || exit 0
    dir=$(cat "$state")
    if [ -d "$dir/data" ]; then
        "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1
    fi
    rm -rf "$dir" "$state"
    ;;
*)
    fail "usage: pg.sh start|stop STATE"
    ;;
esac
