"""The statutory calendar: the precept, Chief Constable appointments and the PCC's annual
report, each with the Panel's scrutiny steps and their statutory deadlines."""
