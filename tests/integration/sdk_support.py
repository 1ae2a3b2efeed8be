"""Helpers of the SDK integration tests: accounts on reference servers, circuits, a TCP relay."""

from __future__ import annotations

import contextlib
import socket
import threading
import uuid
from collections.abc import Iterator

from qiskit import QuantumCircuit

from ibmqjob.account import IBMQFactory
from ibmqjob.provider import AccountProvider
from refserver.runner import ServerThread

SIMULATOR = "ibmq_qasm_simulator"


@contextlib.contextmanager
def demo_provider(server: ServerThread) -> Iterator[AccountProvider]:
    """The demo user's default provider on a server, logged out at the end."""
    assert server.demo_token is not None
    factory = IBMQFactory()
    provider = factory.enable_account(server.demo_token, server.auth_url)
    try:
        yield provider
    finally:
        factory.disable_account()


def bell(name: str = "bell") -> QuantumCircuit:
    """A Bell circuit measuring both qubits."""
    circuit = QuantumCircuit(2, 2, name=name)
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.measure([0, 1], [0, 1])
    return circuit


def too_big(qubits: int = 26) -> QuantumCircuit:
    """A circuit whose statevector does not fit the simulator's per-experiment memory."""
    circuit = QuantumCircuit(qubits, qubits, name="too-big")
    circuit.h(range(qubits))
    circuit.t(range(qubits))
    for qubit in range(qubits - 1):
        circuit.cx(qubit, qubit + 1)
    circuit.measure(range(qubits), range(qubits))
    return circuit


def unique_tag(prefix: str) -> str:
    """A tag no other test uses, to find this test's jobs on a shared server."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class TcpRelay:
    """Forwards TCP connections to a server; :meth:`drop` cuts them all abruptly.

    Used to lose the status websocket in the middle of a wait.
    """

    def __init__(self, target_port: int) -> None:
        self._target = ("127.0.0.1", target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.connections = 0
        self.relayed_from_server = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # dropped
            upstream = socket.create_connection(self._target)
            with self._lock:
                self._sockets += [client, upstream]
                self.connections += 1
            threading.Thread(target=self._pipe, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, True), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, from_server: bool) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
                if from_server:
                    with self._lock:
                        self.relayed_from_server += len(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def drop(self) -> None:
        """Stop listening and cut every relayed connection, as a proxy that died would."""
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() (Linux)
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    # shutdown() acts at once, even on a socket another thread reads from
                    # (close() alone would wait for that read to end). It fails on a socket
                    # the peer has already shut down, which must still be closed.
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
