"""The page's multiprocessing example: two processes count down from 10 and 20.

start() creates each process; join() waits for it and sets its exit code. The
if __name__ == "__main__" guard is required: spawn and forkserver children import
this file. Runs with plain Python 3.11+, standard library only.
"""

import multiprocessing
import os
import time


def countdown(count):
    while count > 0:
        print(f"[pid {os.getpid()}] Count value", count, flush=True)
        count -= 1
        time.sleep(0.02)


if __name__ == "__main__":
    print("parent pid", os.getpid(), "start method", multiprocessing.get_start_method())
    p1 = multiprocessing.Process(target=countdown, args=(10,))
    p1.start()
    p2 = multiprocessing.Process(target=countdown, args=(20,))
    p2.start()
    p1.join()
    p2.join()
    print("exit codes", p1.exitcode, p2.exitcode)
