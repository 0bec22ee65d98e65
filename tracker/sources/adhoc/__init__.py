"""Ad-hoc A&A requests emailed to the Chief Constable and answered in writing."""
