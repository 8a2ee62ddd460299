"""The ASGI app hypercorn serves (photoshare.asgi:app), built from the environment in each worker."""

import gc

from photoshare.app import create_app

app = create_app()


@app.while_serving
async def freeze_start_up_objects():
    """Keep what start-up made (modules, botocore's service models, the pool) out of the
    collector's full passes: they live as long as the worker, and scanning them paused it
    for about 100 ms each time, the slowest 1% of responses. Registered after create_app's
    own lifespan, so it runs once the clients and the pool are open."""
    gc.collect()
    gc.freeze()
    yield
