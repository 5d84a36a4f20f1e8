"""I/O-bound threads overlap: a sleeping (or waiting) thread releases the GIL.

Runs with plain Python 3.11+, standard library only.
"""

import threading
import time

WORKERS = 4
STEPS = 40
SLEEP_S = 0.01


def countdown(steps):
    for _ in range(steps):
        time.sleep(SLEEP_S)  # stands for a disk read, a socket, an HTTP request


if __name__ == "__main__":
    t0 = time.perf_counter()
    for _ in range(WORKERS):
        countdown(STEPS)
    base = time.perf_counter() - t0

    t0 = time.perf_counter()
    threads = [threading.Thread(target=countdown, args=(STEPS,)) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    print(f"one after another {base:.2f} s, {WORKERS} threads {wall:.2f} s: {base / wall:.1f}x")
