-- Demo catalog for scripts/run: supplements, skin care and the three kits, priced in MXN and
-- USD (centavos / cents, tax included). Safe to load twice: existing rows are left alone.
INSERT INTO products (sku, name, category, kit, pv) VALUES
  ('NN-OMEGA3',     'Omega 3 Plus',                       'SUPLEMENTOS',  'NONE',            350),
  ('NN-COLAGENO',   'Colágeno hidrolizado',               'SUPLEMENTOS',  'NONE',            480),
  ('NN-VITC',       'Vitamina C 1000',                    'SUPLEMENTOS',  'NONE',            190),
  ('NN-MULTI',      'Multivitamínico NN Vital',           'SUPLEMENTOS',  'NONE',            420),
  ('NN-PROBIO',     'Probióticos 10 cepas',               'SUPLEMENTOS',  'NONE',            390),
  ('NN-MAGNESIO',   'Citrato de magnesio',                'SUPLEMENTOS',  'NONE',            260),
  ('NN-PROTEINA',   'Proteína vegetal, vainilla',         'SUPLEMENTOS',  'NONE',            610),
  ('NN-SERUM',      'Sérum facial renovador',             'CUIDADO_PIEL', 'NONE',            520),
  ('NN-CREMA-NOCHE','Crema de noche reafirmante',         'CUIDADO_PIEL', 'NONE',            470),
  ('NN-PROTECTOR',  'Protector solar FPS 50',             'CUIDADO_PIEL', 'NONE',            300),
  ('NN-LIMPIADOR',  'Gel limpiador facial',               'CUIDADO_PIEL', 'NONE',            210),
  ('NN-CONTORNO',   'Contorno de ojos',                   'CUIDADO_PIEL', 'NONE',            340),
  ('NN-KIT-FS',     'Kit Full Supplement',                'KITS',         'FULL_SUPPLEMENT', 2600),
  ('NN-KIT-SKIN',   'Kit Full Skin',                      'KITS',         'FULL_SKIN',       2800),
  ('NN-KIT-PROTECT','Kit Full Protect',                   'KITS',         'FULL_PROTECT',    3400)
ON CONFLICT (sku) DO NOTHING;

INSERT INTO product_prices (sku, currency, unit_price_cents) VALUES
  ('NN-OMEGA3', 'MXN', 59900),      ('NN-OMEGA3', 'USD', 3500),
  ('NN-COLAGENO', 'MXN', 74900),    ('NN-COLAGENO', 'USD', 4400),
  ('NN-VITC', 'MXN', 32900),        ('NN-VITC', 'USD', 1900),
  ('NN-MULTI', 'MXN', 64900),       ('NN-MULTI', 'USD', 3800),
  ('NN-PROBIO', 'MXN', 57900),      ('NN-PROBIO', 'USD', 3400),
  ('NN-MAGNESIO', 'MXN', 38900),    ('NN-MAGNESIO', 'USD', 2300),
  ('NN-PROTEINA', 'MXN', 94900),    ('NN-PROTEINA', 'USD', 5600),
  ('NN-SERUM', 'MXN', 89900),       ('NN-SERUM', 'USD', 5200),
  ('NN-CREMA-NOCHE', 'MXN', 79900), ('NN-CREMA-NOCHE', 'USD', 4700),
  ('NN-PROTECTOR', 'MXN', 44900),   ('NN-PROTECTOR', 'USD', 2600),
  ('NN-LIMPIADOR', 'MXN', 29900),   ('NN-LIMPIADOR', 'USD', 1700),
  ('NN-CONTORNO', 'MXN', 52900),    ('NN-CONTORNO', 'USD', 3100),
  ('NN-KIT-FS', 'MXN', 449900),     ('NN-KIT-FS', 'USD', 26000),
  ('NN-KIT-SKIN', 'MXN', 489900),   ('NN-KIT-SKIN', 'USD', 28500),
  ('NN-KIT-PROTECT', 'MXN', 589900),('NN-KIT-PROTECT', 'USD', 34500)
ON CONFLICT (sku, currency) DO NOTHING;
