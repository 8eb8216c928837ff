"""``python -m backprop_tui``."""

from backprop_tui.cli import main

raise SystemExit(main())
