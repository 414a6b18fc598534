"""HTTP glue for engagement records, one module per screen family."""
