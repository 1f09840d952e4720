-- Demo data for scripts/run (never loaded by the server itself): a small sponsor tree in
-- Mexico and one member in the US market, each with a wallet, and commissions from past
-- periods that the deposit job turns into wallet history. Safe to load twice.
INSERT INTO members (id, member_number, display_name, email, market, sponsor_id) VALUES
  ('00000000-0000-4000-8000-000000001000', 'NN-1000', 'Ana Torres',      'ana.torres@demo.nnprotect.mx',   'MX', NULL),
  ('00000000-0000-4000-8000-000000001001', 'NN-1001', 'Bruno Díaz',      'bruno.diaz@demo.nnprotect.mx',   'MX', '00000000-0000-4000-8000-000000001000'),
  ('00000000-0000-4000-8000-000000001002', 'NN-1002', 'Carla Méndez',    'carla.mendez@demo.nnprotect.mx', 'MX', '00000000-0000-4000-8000-000000001000'),
  ('00000000-0000-4000-8000-000000001003', 'NN-1003', 'Diego Ramírez',   'diego.ramirez@demo.nnprotect.mx','MX', '00000000-0000-4000-8000-000000001001'),
  ('00000000-0000-4000-8000-000000001004', 'NN-1004', 'Elena Castro',    'elena.castro@demo.nnprotect.mx', 'MX', '00000000-0000-4000-8000-000000001001'),
  ('00000000-0000-4000-8000-000000001005', 'NN-1005', 'Fernando Ruiz',   'fernando.ruiz@demo.nnprotect.mx','MX', '00000000-0000-4000-8000-000000001002'),
  ('00000000-0000-4000-8000-000000002001', 'NN-2001', 'Grace Miller',    'grace.miller@demo.nnprotect.us', 'US', '00000000-0000-4000-8000-000000001000')
ON CONFLICT (id) DO NOTHING;

INSERT INTO wallets (member_id, currency)
SELECT id, CASE market WHEN 'US' THEN 'USD' ELSE 'MXN' END FROM members
ON CONFLICT (member_id) DO NOTHING;

-- Past periods' commissions: deposited by the job right after this file is loaded.
INSERT INTO commissions (external_id, member_id, bonus_type, period, amount_cents, currency,
                         source_amount_cents, source_currency, rate_micros)
SELECT 'demo-' || m.member_number || '-' || p.period || '-' || b.bonus_type,
       m.id, b.bonus_type, p.period,
       (b.base_cents + 137 * (row_number() OVER ()))::bigint,
       w.currency, (b.base_cents + 137 * (row_number() OVER ()))::bigint, w.currency, 1000000
  FROM members m
  JOIN wallets w ON w.member_id = m.id
 CROSS JOIN (VALUES ('2026-08'), ('2026-09'), ('2026-10')) AS p (period)
 CROSS JOIN (VALUES ('UNINIVEL', 185000), ('BONO_RAPIDO', 62000)) AS b (bonus_type, base_cents)
ON CONFLICT (external_id) DO NOTHING;
