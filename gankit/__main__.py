"""``python -m gankit ...``: see ``gankit.cli``."""

from gankit.cli import main

raise SystemExit(main())
