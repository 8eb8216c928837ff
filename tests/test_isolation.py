"""The engine and the data sets are a plain numpy library: no Textual, no Rich."""

import json
import subprocess
import sys


def test_engine_and_data_import_without_textual_rich_or_sklearn():
    code = (
        "import json, sys; import backprop_tui.engine, backprop_tui.data, backprop_tui.engine.io;"
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    assert "numpy" in loaded
    assert not loaded & {"textual", "rich", "sklearn", "plotext"}
