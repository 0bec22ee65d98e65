"""Calendar feeds: each user's private feed of deadlines and the public A&A timetable."""
