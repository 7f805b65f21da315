# Building blocks for the greeter steps in deployment.md. Sourced by the steps, not run:
#
#   . "${RUNBOOK_DIR:-.}/examples/greeter/ops.sh"
#
# Task data arrives only in TASK_* variables, written by other agents: every value used in a
# path is checked first (check_name), and values are only ever expanded inside double quotes.
# Messages go to stderr, which the worker merges into the attempt log.

: "${RUNBOOK_DIR:=$PWD}"
: "${DEPLOY_ROOT:=${DEVOPS_STATE_DIR:-$RUNBOOK_DIR/.devops-worker}/environments}"
: "${HEALTH_TIMEOUT_SECONDS:=3}"
GREETER_HOME="$RUNBOOK_DIR/examples/greeter"
if [ -z "${JAVA:-}" ]; then
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
fi
# Source-file mode compiles at every start: the first JIT tier and the serial GC start fastest.
JAVA_QUICK="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

say() { printf '%s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

# check_name WHAT VALUE: fails unless VALUE is safe as one path segment.
check_name() {
  case "$2" in
    '' | .* | *[!A-Za-z0-9._-]*)
      fail "$1 '$2' is not a valid name; use letters, digits, '.', '_' and '-' (not starting with '.')" ;;
  esac
}

# use_environment NAME: sets ENV_NAME, ENV_DIR, PORT and PID_FILE.
use_environment() {
  case "$1" in
    staging) PORT=${GREETER_STAGING_PORT:-18081} ;;
    production) PORT=${GREETER_PRODUCTION_PORT:-18082} ;;
    *) fail "unknown environment '$1'; this runbook deploys to staging or production" ;;
  esac
  ENV_NAME=$1
  ENV_DIR="$DEPLOY_ROOT/$1"
  PID_FILE="$ENV_DIR/greeter.pid"
}

# release_of LINK: the release a link (current, previous, …) points at, or nothing.
release_of() {
  if [ -L "$ENV_DIR/$1" ]; then
    target=$(readlink "$ENV_DIR/$1")
    printf '%s' "${target#releases/}"
  fi
}

# switch_link NAME RELEASE: points $ENV_DIR/NAME at releases/RELEASE atomically: a new link under
# a temporary name, renamed over the old one, so readers see the old or the new target, never none.
switch_link() {
  rm -f "$ENV_DIR/$1.new"
  ln -s "releases/$2" "$ENV_DIR/$1.new"
  mv -T "$ENV_DIR/$1.new" "$ENV_DIR/$1"
}

# running PID: true while PID is a live process (a zombie waiting to be reaped counts as gone).
running() {
  kill -0 "$1" 2>/dev/null || return 1
  if [ -r "/proc/$1/stat" ]; then
    case "$(sed 's/^.*) //' "/proc/$1/stat")" in Z*) return 1 ;; esac
  fi
  return 0
}

# stop_service: stops the greeter of ENV_NAME named by its pid file, if it runs.
stop_service() {
  if [ ! -f "$PID_FILE" ]; then
    say "no greeter is running in $ENV_NAME"
    return 0
  fi
  pid=$(cat "$PID_FILE")
  case "$pid" in '' | *[!0-9]*) rm -f "$PID_FILE"; say "removed a bad pid file"; return 0 ;; esac
  # A stale pid file may name an unrelated process that reused the pid: only stop a greeter.
  if ! running "$pid" || { [ -r "/proc/$pid/cmdline" ] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q Greeter.java; }; then
    rm -f "$PID_FILE"
    say "the greeter of $ENV_NAME was not running (stale pid file removed)"
    return 0
  fi
  kill "$pid"
  waited=0
  while running "$pid"; do
    waited=$((waited + 1))
    if [ "$waited" -ge 100 ]; then kill -9 "$pid"; break; fi
    sleep 0.1
  done
  rm -f "$PID_FILE"
  say "stopped the greeter of $ENV_NAME (pid $pid)"
}

# configured KEY DEFAULT: a setting written by infrastructure_update, for this environment or shared.
configured() {
  for f in "$ENV_DIR/config/$1" "$DEPLOY_ROOT/shared/config/$1"; do
    if [ -f "$f" ]; then cat "$f"; return 0; fi
  done
  printf '%s' "$2"
}

# start_service RELEASE: starts releases/RELEASE of ENV_NAME in the background and waits until it
# listens (it writes its pid file then). Its output goes to greeter.log, never to the step's
# output: a background process holding the step's output would outlive the step.
start_service() {
  heap=$(configured heap 64m)
  case "$heap" in '' | *[!0-9kKmMgG]* | [!0-9]*) say "ignoring heap setting '$heap'; using 64m"; heap=64m ;; esac
  rm -f "$PID_FILE"
  (cd "$ENV_DIR/releases/$1" && exec nohup "$JAVA" $JAVA_QUICK -Xmx"$heap" Greeter.java "$PORT" "$1" "$PID_FILE" \
    </dev/null >>"$ENV_DIR/greeter.log" 2>&1) &
  started=$!
  waited=0
  while [ ! -s "$PID_FILE" ]; do
    if ! running "$started"; then
      tail -n 5 "$ENV_DIR/greeter.log" >&2
      fail "greeter $1 exited while starting in $ENV_NAME (log: $ENV_DIR/greeter.log)"
    fi
    waited=$((waited + 1))
    if [ "$waited" -ge 300 ]; then fail "greeter $1 did not start within 30s in $ENV_NAME (log: $ENV_DIR/greeter.log)"; fi
    sleep 0.1
  done
  say "started greeter $1 in $ENV_NAME on http://127.0.0.1:$PORT/ (pid $(cat "$PID_FILE"), heap $heap)"
}

# probe PATH [SECONDS]: the health check of ENV_NAME's greeter.
probe() {
  "$JAVA" $JAVA_QUICK "$GREETER_HOME/HealthCheck.java" "http://127.0.0.1:$PORT$1" "${2:-$HEALTH_TIMEOUT_SECONDS}" >&2
}
