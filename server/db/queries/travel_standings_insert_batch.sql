INSERT INTO travel_standings (campaign_id, member_id, points, kit_points, rank_points, direct_points, qualified,
                              events_accepted, events_rejected, frozen_at)
SELECT $1, s.member_id, s.points, s.kit_points, s.rank_points, s.direct_points, s.qualified, s.accepted, s.rejected,
       to_timestamp($10)
  FROM unnest($2::uuid[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::boolean[], $8::bigint[],
              $9::bigint[])
       AS s (member_id, points, kit_points, rank_points, direct_points, qualified, accepted, rejected)
