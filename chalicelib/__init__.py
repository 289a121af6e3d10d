"""The Chalice ingress: one module per source, error mapping in one place."""
