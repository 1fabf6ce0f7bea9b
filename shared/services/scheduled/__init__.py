"""Work Cloud Scheduler starts: the retry sweep, watch renewal and the safety net, the audit."""
