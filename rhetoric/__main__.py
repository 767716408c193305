"""``python -m rhetoric`` is the ``rhetoric`` command."""

import sys

from .cli import main

sys.exit(main())
