"""The processing webhook: the Lambda's signed reports about each new original."""
