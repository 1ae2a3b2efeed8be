"""Let the legacy scenarios drive ibmqjob: the original client's import names, bound to ibmqjob.

The scenario modules (``legacy_scenarios`` and its siblings) are written once, against the
API of qiskit-ibmq-provider 0.20.2, and import its entry points by their original names::

    from qiskit import IBMQ
    from qiskit.providers.ibmq.ibmqfactory import IBMQFactory

``install_ibmqjob()`` makes exactly those two names resolve to ``ibmqjob.IBMQ`` and
``ibmqjob.IBMQFactory``: it registers two small modules, ``qiskit.providers.ibmq`` and
``qiskit.providers.ibmq.ibmqfactory``, in ``sys.modules`` and sets ``qiskit.IBMQ``. Nothing
else is redirected: every other object a scenario touches (providers, backends, jobs, queue
infos, exceptions) is whatever ibmqjob returns, so the same scenario source observes either
client. It must run before the scenario modules are imported, in an interpreter where the
original client is not installed (the project's main virtualenv).
"""

from __future__ import annotations

import importlib.util
import sys
import types

SHIMMED = ("qiskit.providers.ibmq", "qiskit.providers.ibmq.ibmqfactory")


def install_ibmqjob() -> None:
    """Bind ``qiskit.IBMQ`` and ``qiskit.providers.ibmq[.ibmqfactory]`` to ibmqjob's objects.

    Raises:
        RuntimeError: If the original client is importable here or a scenario module was
            already imported (its names would then be bound to something else).
    """
    already = [name for name in ("legacy_common", "legacy_scenarios") if name in sys.modules]
    if already:
        raise RuntimeError(f"install the shim before importing {already}")
    if "qiskit.providers.ibmq" not in sys.modules:
        import qiskit.providers

        if importlib.util.find_spec("qiskit.providers.ibmq") is not None:
            raise RuntimeError("qiskit-ibmq-provider is installed here; run ibmqjob elsewhere")
    import qiskit
    import qiskit.providers

    import ibmqjob

    package = types.ModuleType(SHIMMED[0], "ibmqjob standing in for qiskit-ibmq-provider")
    package.__path__ = []  # a package, so that the submodule below can be imported from it
    factory = types.ModuleType(SHIMMED[1], "ibmqjob's IBMQFactory under its original name")
    factory.IBMQFactory = ibmqjob.IBMQFactory  # type: ignore[attr-defined]
    package.IBMQ = ibmqjob.IBMQ  # type: ignore[attr-defined]
    package.IBMQFactory = ibmqjob.IBMQFactory  # type: ignore[attr-defined]
    package.ibmqfactory = factory  # type: ignore[attr-defined]
    sys.modules[SHIMMED[0]] = package
    sys.modules[SHIMMED[1]] = factory
    qiskit.providers.ibmq = package
    # qiskit 0.46 exposes IBMQ as a lazy wrapper of qiskit.providers.ibmq.IBMQ; bind the
    # factory itself so that the scenarios hold the very object ibmqjob's users hold.
    qiskit.IBMQ = ibmqjob.IBMQ
