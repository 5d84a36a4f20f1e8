"""The page's threading example, fixed: two threads count down from 10 and 20.

The page starts its threads with target=countdown but defines counter(), so it
stops with NameError before any thread runs. Here the function and the target agree.
Runs with plain Python 3.11+, standard library only.
"""

import threading
import time


def countdown(count):
    while count > 0:
        print("Count value", count, flush=True)
        count -= 1
        time.sleep(0.02)  # printing (I/O) releases the GIL; so does sleeping


if __name__ == "__main__":
    t1 = threading.Thread(target=countdown, args=(10,))
    t1.start()
    t2 = threading.Thread(target=countdown, args=(20,))
    t2.start()
    t1.join()  # the page never joins; without it the main thread just falls off the end
    t2.join()
    print("both threads done")
