"""join() before draining a queue deadlocks; drain first, then join.

A child's put() hands the data to a feeder thread that writes it into a pipe;
the child cannot exit before that thread is done, and the pipe holds ~64 KiB.
A parent that joins first waits for a child that waits for a reader.
Runs with plain Python 3.11+, standard library only.
"""

import multiprocessing
import time

NBYTES = 1 << 20


def child(q):
    q.put(b"x" * NBYTES)


if __name__ == "__main__":
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=child, args=(q,))
    p.start()
    p.join(2.0)  # a plain join() here would wait forever
    if p.is_alive():
        print("join first: still waiting after 2 s, deadlock; the watchdog ends the child")
        p.terminate()
        p.join()
    q.close()
    q.cancel_join_thread()

    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=child, args=(q,))
    p.start()
    t0 = time.perf_counter()
    data = q.get()  # drain first...
    p.join()  # ...then join
    print(
        f"drain first: got {len(data):,} bytes, joined in {time.perf_counter() - t0:.3f} s,"
        f" exit code {p.exitcode}"
    )
