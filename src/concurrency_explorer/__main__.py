"""``python -m concurrency_explorer``: the same as the ``concurrency-explorer`` command."""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from concurrency_explorer.app import main

    raise SystemExit(main())
