"""Personal API tokens: created and revoked by their owner, sent as Authorization: Bearer."""
