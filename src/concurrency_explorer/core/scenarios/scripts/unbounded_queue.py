"""A producer faster than its consumer: an unbounded queue grows, a bounded one pushes back.

Memory is measured with tracemalloc. Capped at 3,000 items of 1 KiB.
Runs with plain Python 3.11+, standard library only.
"""

import queue
import threading
import time
import tracemalloc

ITEMS = 3000
PAYLOAD = 1024
CONSUMER_DELAY_S = 0.0003


def lab(maxsize):
    q = queue.Queue(maxsize)
    tracemalloc.start()
    blocked = [0.0]

    def produce():
        for _ in range(ITEMS):
            t0 = time.perf_counter()
            q.put(bytes(PAYLOAD))  # blocks while a bounded queue is full: back-pressure
            blocked[0] += time.perf_counter() - t0

    def consume():
        for _ in range(ITEMS):
            q.get()
            time.sleep(CONSUMER_DELAY_S)  # the consumer's work

    t0 = time.perf_counter()
    threads = [threading.Thread(target=produce), threading.Thread(target=consume)]
    for t in threads:
        t.start()
    peak_size = 0
    while threads[0].is_alive():
        peak_size = max(peak_size, q.qsize())
        time.sleep(0.002)
    produced = time.perf_counter() - t0
    peak_size = max(peak_size, q.qsize())
    for t in threads:
        t.join()
    peak_memory = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    name = f"maxsize={maxsize}" if maxsize else "unbounded"
    print(
        f"{name:<12} producer done in {produced:.2f} s (blocked {blocked[0]:.2f} s), "
        f"peak {peak_size} items, peak memory {peak_memory / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    lab(0)
    lab(100)
