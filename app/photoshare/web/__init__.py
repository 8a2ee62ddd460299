"""What every page and API route shares: the ASGI middleware, security headers and error responses."""
