"""Imported first by a sweep's local pool's fork server (its preload), and by nothing else; it
lives outside ``optimizer.sweep``, whose package imports Pyomo before this could run.

Ctrl-C in a terminal signals the whole process group; the interruption is for the main process,
which stops the pool. The fork server spends a second or two importing Pyomo for the workers, and
a Ctrl-C then would end it with a traceback on the user's terminal. The workers it forks inherit
this, as their initializer (``worker.start_worker``) asks anyway.
"""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
