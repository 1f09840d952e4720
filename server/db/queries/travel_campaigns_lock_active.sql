-- Every writer of events holds the open campaigns shared, in id order; closing one takes it
-- exclusively (travel_campaign_lock.sql). After a wait, a campaign closed meanwhile drops out.
SELECT c.id FROM travel_campaigns c WHERE c.status = 'ACTIVA' ORDER BY c.id FOR SHARE
