-- Members whose loyalty the day-8 job records: anyone with an order, with their market.
SELECT m.id, m.market FROM members m WHERE EXISTS (SELECT 1 FROM orders o WHERE o.member_id = m.id) ORDER BY m.id
