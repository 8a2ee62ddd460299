"""Operations: liveness, readiness and the janitor that finishes interrupted work."""
