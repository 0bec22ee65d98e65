"""The publication register: what the office must publish, when, and whether it did."""
