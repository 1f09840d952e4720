-- One runner per job across every server instance: a session advisory lock keyed by the job.
SELECT pg_try_advisory_lock(hashtext('nnw-job:' || $1))
