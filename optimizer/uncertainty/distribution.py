"""Which outcomes this process solves: all of them, or under MPI (``mpiexec -n N``) every N-th,
with the results gathered on rank 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def world_communicator() -> Any | None:
    """MPI's world communicator (one rank unless started by ``mpiexec``/``srun``), or None
    when mpi4py is not installed."""
    try:
        from mpi4py import MPI
    except ImportError:
        return None
    return MPI.COMM_WORLD


class Distribution:
    """Serial (``comm`` None) or MPI: outcome i is solved on rank i mod size."""

    def __init__(self, comm: Any | None = None):
        self.comm = comm
        self.rank = comm.Get_rank() if comm is not None else 0
        self.size = comm.Get_size() if comm is not None else 1

    @property
    def root(self) -> bool:
        return self.rank == 0

    def mine(self, position: int) -> bool:
        return position % self.size == self.rank

    def map(self, function: Callable[[int], T], count: int, *, everywhere: bool = False) -> list[T] | None:
        """[function(i) for i in range(count)], each i computed on its rank; the list on rank 0
        (on every rank with ``everywhere``), None on the others."""
        local = {i: function(i) for i in range(count) if self.mine(i)}
        if self.comm is None:
            return [local[i] for i in range(count)]
        if everywhere:
            parts = self.comm.allgather(local)
        else:
            parts = self.comm.gather(local, root=0)
            if not self.root:
                return None
        merged: dict[int, T] = {}
        for part in parts:
            merged.update(part)
        return [merged[i] for i in range(count)]

    def broadcast(self, value: T) -> T:
        """Rank 0's ``value`` on every rank."""
        return value if self.comm is None else self.comm.bcast(value, root=0)
