"""Written responses from the force: the Chief Constable's response to an ad-hoc request
and the Chief Constable's comments on an HMICFRS report, drafted, submitted, sent back or
accepted, with every version kept."""
