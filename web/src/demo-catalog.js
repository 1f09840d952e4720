// A demo catalog for the preview page; the server's catalog (issue #4) replaces it.
export const demoCatalog = [
  { sku: 'NN-OMEGA3', name: 'Omega 3 Plus', unit_price_cents: 59900, unit_pv: 350 },
  { sku: 'NN-COLAGENO', name: 'Colágeno hidrolizado', unit_price_cents: 74900, unit_pv: 480 },
  { sku: 'NN-VITC', name: 'Vitamina C 1000', unit_price_cents: 32900, unit_pv: 190 },
  { sku: 'NN-SERUM', name: 'Sérum facial renovador', unit_price_cents: 89900, unit_pv: 520 },
  { sku: 'NN-KIT-FS', name: 'Kit Full Supplement', unit_price_cents: 449900, unit_pv: 2600 },
];
