"""Real threads for the concurrency tests: each call on its own connection, all released at once."""

import threading

from django.db import connection


def run_together(*calls):
    """Run each call in its own thread, all released at once; return (results, errors) in call order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # reported to the test, which decides what was expected
            errors[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck: deadlock or lock wait"
    return results, errors
