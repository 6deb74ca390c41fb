"""``python -m nqpf_tfp.cli``: the ``nqpf-tfp`` command."""

import sys

from . import main

sys.exit(main())
