"""Where actions come from: A&A meetings, ad-hoc requests, Panel items and HMICFRS reports."""
