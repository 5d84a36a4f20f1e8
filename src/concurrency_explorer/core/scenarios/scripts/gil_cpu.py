"""CPU-bound work: one after another, as threads, as processes. Speedup measured.

In CPython only the thread holding the GIL runs Python bytecode, so CPU-bound
threads take turns; processes each have their own interpreter and GIL.
Runs with plain Python 3.11+, standard library only.
"""

import multiprocessing
import threading
import time

STEPS = 1000
ITERATIONS = 20_000


def countdown(steps):
    for _ in range(steps):
        n = ITERATIONS
        while n > 0:
            n -= 1


def timed(label, start_all):
    t0 = time.perf_counter()
    start_all()
    wall = time.perf_counter() - t0
    print(f"{label:<22} {wall:6.2f} s")
    return wall


def sequential():
    countdown(STEPS)
    countdown(STEPS)


def with_threads():
    workers = [threading.Thread(target=countdown, args=(STEPS,)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def with_processes():
    workers = [multiprocessing.Process(target=countdown, args=(STEPS,)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


if __name__ == "__main__":
    base = timed("one after another", sequential)
    threads = timed("2 threads", with_threads)
    processes = timed("2 processes", with_processes)
    print(f"speedup threads {base / threads:.2f}x, processes {base / processes:.2f}x")
