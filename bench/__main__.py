"""`make bench`: load a dataset, serve the app under gunicorn with production settings, drive
every scenario with wrk and report requests/s as a ratio to /healthz in the same run.

    make bench BENCH_ARGS="--products 100000 --duration 10 --connections 32"
    .venv/bin/python -m bench --help

The command line is in ``cli``, the preparation (database, Django, dataset) in
``prepare``, the run itself in ``run``.
"""

import sys
import time

from .run import main

if __name__ == "__main__":
    started_at = time.monotonic()
    code = main()
    print(f"[bench] done in {time.monotonic() - started_at:.0f} s")
    sys.exit(code)
