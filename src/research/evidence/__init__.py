"""Evidence: what works for whom, in which context, estimated from the store's tables."""
