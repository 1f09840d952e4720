-- Demo NN Travel data for scripts/run (never loaded by the server itself), after
-- demo_members.sql: the past campaign 2026-S1 (still ACTIVA here; the close-travel-campaigns
-- job that scripts/run runs next closes it, Ana qualifying) and the current 2026-S2, with a
-- promo window around today (2026-11-24), and events for the demo sponsor tree. Times are
-- UTC; a half year starts at midnight in Mexico City (06:00Z). Safe to load twice.
INSERT INTO travel_campaigns (id, name, starts_at, ends_at, target_points, rules_version) VALUES
  ('2026-S1', 'NN Travel 2026 · primer semestre',  '2026-01-01T06:00:00Z', '2026-07-01T06:00:00Z', 200, 'demo-seed'),
  ('2026-S2', 'NN Travel 2026 · segundo semestre', '2026-07-01T06:00:00Z', '2027-01-01T06:00:00Z', 200, 'demo-seed')
ON CONFLICT (id) DO NOTHING;

INSERT INTO travel_promo_windows (campaign_id, starts_at, ends_at) VALUES
  ('2026-S1', '2026-03-01T06:00:00Z', '2026-03-16T06:00:00Z'),
  ('2026-S2', '2026-11-16T06:00:00Z', '2026-11-30T06:00:00Z')
ON CONFLICT DO NOTHING;

-- Events arrive five minutes after they happen in the MLM system.
INSERT INTO travel_events (event_id, member_id, type, kit, rank, direct_member_id, occurred_at, received_at, source)
SELECT e.event_id, e.member_id::uuid, e.type, e.kit, e.rank, e.direct_member_id::uuid, e.occurred_at::timestamptz,
       e.occurred_at::timestamptz + interval '5 minutes', 'SERVICE'
  FROM (VALUES
    -- 2026-S1: Ana (NN-1000) reaches 265 points; Bruno (NN-1001) 25 (his late kit below earns nothing).
    ('demo-S1-ana-rank-1',   '00000000-0000-4000-8000-000000001000', 'RANK_REACHED', NULL, 'INNOVADOR', NULL, '2026-02-10T17:00:00Z'),
    ('demo-S1-ana-rank-2',   '00000000-0000-4000-8000-000000001000', 'RANK_REACHED', NULL, 'EMBAJADOR_TRANSFORMADOR', NULL, '2026-03-05T17:00:00Z'),
    ('demo-S1-ana-direct-1', '00000000-0000-4000-8000-000000001000', 'DIRECT_RANK_REACHED', NULL, 'EMPRENDEDOR', '00000000-0000-4000-8000-000000001001', '2026-04-01T17:00:00Z'),
    ('demo-S1-ana-direct-2', '00000000-0000-4000-8000-000000001000', 'DIRECT_RANK_REACHED', NULL, 'CREATIVO', '00000000-0000-4000-8000-000000001002', '2026-05-01T17:00:00Z'),
    ('demo-S1-bruno-rank-1', '00000000-0000-4000-8000-000000001001', 'RANK_REACHED', NULL, 'EMPRENDEDOR', NULL, '2026-04-01T17:00:00Z'),
    -- 2026-S2: Bruno at 51 points (his repeated rank earns nothing), three of his kits in
    -- the promo window; Ana at 180; Diego and Elena just starting.
    ('demo-S2-bruno-rank-1',   '00000000-0000-4000-8000-000000001001', 'RANK_REACHED', NULL, 'CREATIVO', NULL, '2026-08-10T17:00:00Z'),
    ('demo-S2-bruno-rank-2',   '00000000-0000-4000-8000-000000001001', 'RANK_REACHED', NULL, 'CREATIVO', NULL, '2026-10-01T17:00:00Z'),
    ('demo-S2-bruno-direct-1', '00000000-0000-4000-8000-000000001001', 'DIRECT_RANK_REACHED', NULL, 'VISIONARIO', '00000000-0000-4000-8000-000000001003', '2026-08-20T17:00:00Z'),
    ('demo-S2-bruno-direct-2', '00000000-0000-4000-8000-000000001001', 'DIRECT_RANK_REACHED', NULL, 'EMPRENDEDOR', '00000000-0000-4000-8000-000000001004', '2026-09-05T17:00:00Z'),
    ('demo-S2-ana-rank-1',     '00000000-0000-4000-8000-000000001000', 'RANK_REACHED', NULL, 'EMBAJADOR_INSPIRADOR', NULL, '2026-09-10T17:00:00Z'),
    ('demo-S2-diego-rank-1',   '00000000-0000-4000-8000-000000001003', 'RANK_REACHED', NULL, 'VISIONARIO', NULL, '2026-08-20T17:00:00Z'),
    ('demo-S2-elena-rank-1',   '00000000-0000-4000-8000-000000001004', 'RANK_REACHED', NULL, 'EMPRENDEDOR', NULL, '2026-09-05T17:00:00Z')
  ) AS e (event_id, member_id, type, kit, rank, direct_member_id, occurred_at)
ON CONFLICT (event_id) DO NOTHING;

-- Kits sold in the networks: a series per member, each kit a day apart.
INSERT INTO travel_events (event_id, member_id, type, kit, occurred_at, received_at, source)
SELECT k.prefix || '-' || n, k.member_id::uuid, 'KIT_SOLD', k.kit,
       k.first_at::timestamptz + (n - 1) * interval '1 day',
       k.first_at::timestamptz + (n - 1) * interval '1 day' + interval '5 minutes', 'SERVICE'
  FROM (VALUES
    ('demo-S1-ana-kit',    '00000000-0000-4000-8000-000000001000', 'FULL_PROTECT',    '2026-04-10T18:00:00Z', 30),
    ('demo-S1-bruno-kit',  '00000000-0000-4000-8000-000000001001', 'FULL_SKIN',       '2026-05-10T18:00:00Z', 10),
    ('demo-S2-ana-kit',    '00000000-0000-4000-8000-000000001000', 'FULL_PROTECT',    '2026-10-01T18:00:00Z', 20),
    ('demo-S2-bruno-kit',  '00000000-0000-4000-8000-000000001001', 'FULL_SUPPLEMENT', '2026-09-20T18:00:00Z', 6),
    ('demo-S2-bruno-promo','00000000-0000-4000-8000-000000001001', 'FULL_PROTECT',    '2026-11-17T18:00:00Z', 3)
  ) AS k (prefix, member_id, kit, first_at, kits)
 CROSS JOIN LATERAL generate_series(1, k.kits) AS n
ON CONFLICT (event_id) DO NOTHING;

-- Sold on the last day of 2026-S1, reported after its end: it belongs to 2026-S1 by its
-- instant, and the close (as of the end) leaves it out — rejected CAMPAIGN_CLOSED.
INSERT INTO travel_events (event_id, member_id, type, kit, occurred_at, received_at, source)
VALUES ('demo-S1-bruno-late-kit', '00000000-0000-4000-8000-000000001001', 'KIT_SOLD', 'FULL_SKIN',
        '2026-06-30T20:00:00Z', '2026-07-02T16:00:00Z', 'SERVICE')
ON CONFLICT (event_id) DO NOTHING;
