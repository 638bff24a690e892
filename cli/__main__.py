"""`python -m cli`: the same as the `kim` console script."""

import sys

from cli.main import main

sys.exit(main())
