"""The A&A programme: the timetable, papers due, lines of enquiry, public questions and
actions brought to a meeting's matters arising."""
