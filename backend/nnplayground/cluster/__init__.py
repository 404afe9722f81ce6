"""Several replicas sharing sessions through Redis (the optional extra ``nnplayground[redis]``):
client, keys, store, registry, leases, bus, the cluster pool and its training worker. Imported
only when the store setting is a ``redis://`` URL (``api/backends.py``)."""
