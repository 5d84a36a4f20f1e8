"""One child per start method: how long start() takes and what the child inherits.

The parent changes a module variable at run time. A fork child is a copy of the
parent and sees the change; spawn and forkserver children import this file afresh
and see the value it had at import. Runs with plain Python 3.11+, stdlib only.
"""

import multiprocessing
import sys
import threading
import time

MARKER = "as imported"


def probe(conn, t_request):
    conn.send((time.perf_counter() - t_request, MARKER, len(sys.modules)))
    conn.close()


if __name__ == "__main__":
    MARKER = "changed by the parent at run time"
    threading.Thread(target=time.sleep, args=(1,), daemon=True).start()  # a second thread
    print(f"parent: {len(sys.modules)} modules, {threading.active_count()} threads")
    for method in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context(method)  # per run; never set_start_method
        reader, writer = ctx.Pipe(duplex=False)
        child = ctx.Process(target=probe, args=(writer, time.perf_counter()))
        child.start()
        writer.close()
        latency, marker, modules = reader.recv()
        child.join()
        ms = latency * 1000
        print(f"{method:<10} started in {ms:6.1f} ms, sees {marker!r}, {modules} modules")
