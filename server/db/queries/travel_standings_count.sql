SELECT count(*), count(*) FILTER (WHERE s.qualified) FROM travel_standings s WHERE s.campaign_id = $1
