#!/usr/bin/env bash
# Makes sure the PostgreSQL and NATS (JetStream) servers the tests use answer on their standard
# ports, starting the machine's own packages if they are installed but stopped.
set -uo pipefail

port_open() { (echo > "/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1; }
wait_port() {
  for _ in $(seq 1 50); do port_open "$1" && return 0; sleep 0.2; done
  return 1
}

if ! port_open 5432; then
  echo "PostgreSQL is not running; starting it" >&2
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  wait_port 5432 || { echo "PostgreSQL is not available on 127.0.0.1:5432" >&2; exit 1; }
fi

if ! port_open 4222; then
  echo "NATS is not running; starting it" >&2
  mkdir -p /var/lib/nats-server
  start-stop-daemon --start --oknodo --background --exec "$(command -v nats-server)" -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
  wait_port 4222 || { echo "NATS is not available on 127.0.0.1:4222" >&2; exit 1; }
fi
echo "PostgreSQL and NATS are up" >&2
