"""A&A meetings: the formal Assurance and Accountability meetings actions arise from."""
