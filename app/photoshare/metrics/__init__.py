"""Prometheus metrics: what is counted, the request timing, and the protected /metrics endpoint."""
