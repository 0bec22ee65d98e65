"""What the OPCC has asked the force for: every open ask on one page."""
