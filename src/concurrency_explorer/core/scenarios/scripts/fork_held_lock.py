"""fork while another thread holds a lock: the child hangs; a watchdog ends it.

fork copies the process but only the calling thread, so a lock held by another
thread is copied locked and nobody in the child can release it. The fixes run
beside it: spawn (a fresh interpreter) and os.register_at_fork (take the lock
before forking, release it on both sides). POSIX only (needs fork).
Runs with plain Python 3.11+, standard library only.
"""

import multiprocessing
import os
import threading
import time
import warnings

LOCK = threading.Lock()
GUARDED = threading.Lock()
STALL_S = 1.0

# Python 3.12+ warns about forking a process with threads: that is the point here.
warnings.filterwarnings("ignore", message=r"This process .* is multi-threaded")


def child(conn, which):
    conn.send("started")
    with LOCK if which == "naive" else GUARDED:
        conn.send("acquired")
    conn.close()


def hold(lock, seconds):
    with lock:
        time.sleep(seconds)


def start(method, which):
    reader, writer = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context(method).Process(target=child, args=(writer, which))
    process.start()
    writer.close()
    return process, reader


def watchdog(name, process, reader):
    """Wait for "acquired"; if the child goes silent for STALL_S, end it."""
    events = []
    while reader.poll(STALL_S):
        try:
            events.append(reader.recv())
        except EOFError:
            break
    process.join(0.5)
    if process.is_alive():
        process.terminate()
        process.join(2)
        print(f"{name:<24} {events}: no progress for {STALL_S} s, watchdog sent SIGTERM")
    else:
        print(f"{name:<24} {events}: exit code {process.exitcode}")


if __name__ == "__main__":
    holder = threading.Thread(target=hold, args=(LOCK, 0.5))
    holder.start()
    time.sleep(0.05)  # the holder has the lock now
    children = {"fork (lock held)": start("fork", "naive"), "spawn": start("spawn", "naive")}
    holder.join()

    os.register_at_fork(
        before=GUARDED.acquire, after_in_parent=GUARDED.release, after_in_child=GUARDED.release
    )
    holder = threading.Thread(target=hold, args=(GUARDED, 0.3))
    holder.start()
    time.sleep(0.05)
    children["fork + register_at_fork"] = start("fork", "guarded")  # waits for the holder
    holder.join()

    for name, (process, reader) in children.items():
        watchdog(name, process, reader)
