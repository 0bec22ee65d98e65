"""Police and Crime Panel recommendations and requests."""
