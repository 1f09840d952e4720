-- This period's commissions, left PENDING for the back office's deposit job. Safe to load twice.
INSERT INTO commissions (external_id, member_id, bonus_type, period, amount_cents, currency,
                         source_amount_cents, source_currency, rate_micros)
SELECT 'demo-' || m.member_number || '-2026-11-' || b.bonus_type, m.id, b.bonus_type, '2026-11',
       b.base_cents, w.currency, b.base_cents, w.currency, 1000000
  FROM members m
  JOIN wallets w ON w.member_id = m.id
 CROSS JOIN (VALUES ('UNINIVEL', 210000), ('BONO_LIDERAZGO', 95000)) AS b (bonus_type, base_cents)
ON CONFLICT (external_id) DO NOTHING;
