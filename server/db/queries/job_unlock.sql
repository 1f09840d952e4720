SELECT pg_advisory_unlock(hashtext('nnw-job:' || $1))
