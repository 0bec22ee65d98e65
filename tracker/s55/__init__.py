"""The PCC's s.55 response to an HMICFRS report: drafted, approved, published and sent."""
