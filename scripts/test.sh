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

set +e
python -m pytest "$@"
rc=$?
set -e
# pytest exits 5 when it collected no tests: that is a failure here, not a pass.
exit $rc
