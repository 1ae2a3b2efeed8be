"""``python -m ibmqjob.cli``: the ``ibmqjob`` console script."""

import sys

from . import main

sys.exit(main())
