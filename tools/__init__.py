"""The development harness (not shipped in the wheel): a real server on a free port
(``launcher.py``) and a local cluster of replicas sharing a ``redis-server``
(``devcluster.py``, which ``make cluster`` runs)."""
