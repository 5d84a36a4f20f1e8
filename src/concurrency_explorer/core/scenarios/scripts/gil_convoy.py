"""The convoy effect: an I/O thread that sleeps 1 ms per step, alone and beside CPU work.

Beside a CPU-bound thread, every wake-up of the I/O thread waits for the GIL, which
the CPU-bound thread gives up only when the switch interval (5 ms) runs out. A
CPU-bound process has its own GIL; C code that releases the GIL (hashlib on a
large buffer) lets the I/O thread in at once.
Runs with plain Python 3.11+, standard library only.
"""

import hashlib
import multiprocessing
import statistics
import sys
import threading
import time

STEPS = 150
SLEEP_S = 0.001


def io_steps():
    """Per-step latency of an I/O-like loop, in milliseconds."""
    latencies = []
    for _ in range(STEPS):
        t0 = time.perf_counter()
        time.sleep(SLEEP_S)  # stands for a socket read or a disk wait
        latencies.append((time.perf_counter() - t0) * 1000)
    return latencies


def cpu_bound(stop):
    while not stop.is_set():
        n = 20_000
        while n > 0:
            n -= 1


def releases_gil(stop):
    buffer = bytes(1 << 18)
    while not stop.is_set():
        hashlib.sha256(buffer).digest()  # C code: the GIL is free while it hashes


def beside(target, stop, make):
    partner = make(target=target, args=(stop,))
    partner.start()
    try:
        return io_steps()
    finally:
        stop.set()
        partner.join()


if __name__ == "__main__":
    print(f"switch interval {sys.getswitchinterval() * 1000:g} ms")
    results = {
        "alone": io_steps(),
        "beside a CPU-bound thread": beside(cpu_bound, threading.Event(), threading.Thread),
        "beside a CPU-bound process": beside(
            cpu_bound, multiprocessing.Event(), multiprocessing.Process
        ),
        "beside a GIL-releasing thread": beside(releases_gil, threading.Event(), threading.Thread),
    }
    for label, latencies in results.items():
        print(f"{label:<32} median {statistics.median(latencies):6.2f} ms per step")
