"""Training on one machine: worker processes that own the sessions and train the running ones
(process, worker, scheduler, payloads), the pool the API process talks to them through, and
the API's local registry of sessions."""
