"""The ASGI app hypercorn serves (photoshare.asgi:app), built from the environment in each worker."""

from photoshare.app import create_app

app = create_app()
