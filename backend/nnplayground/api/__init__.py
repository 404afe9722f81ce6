"""The web: the FastAPI app and its lifespan, the one module that picks the backends,
middleware, limits, errors (the only place with HTTP statuses), and the routers."""
