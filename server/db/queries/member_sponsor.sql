-- The member's sponsor (credited with NN Travel points for the kits the member buys).
SELECT sponsor_id FROM members WHERE id = $1::uuid
