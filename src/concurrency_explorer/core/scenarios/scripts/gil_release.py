"""C code that releases the GIL (hashlib on large buffers) scales with threads.

Runs with plain Python 3.11+, standard library only.
"""

import hashlib
import threading
import time

STEPS = 250
BUFFER = bytes(1 << 20)  # 1 MiB: hashlib drops the GIL for buffers over 2 KiB


def countdown(steps):
    for _ in range(steps):
        hashlib.sha256(BUFFER).digest()


if __name__ == "__main__":
    t0 = time.perf_counter()
    countdown(STEPS)
    countdown(STEPS)
    base = time.perf_counter() - t0

    t0 = time.perf_counter()
    threads = [threading.Thread(target=countdown, args=(STEPS,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    print(f"one after another {base:.2f} s, 2 threads {wall:.2f} s: {base / wall:.2f}x")
