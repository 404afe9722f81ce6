"""The domain: what a session is (spec, session, tokens), what can go wrong with one (errors),
and the interfaces the API talks to (store, pool, registry). Imports the engine and the
datasets only; training, the cluster and the web build on it."""
